//! Who on the issuer's staff may do what. Reading is open to every role; each kind of change
//! needs a [`Permission`], and [`allows`] is the one table that grants them.

use portal_types::Role;

/// A kind of change on the issuer side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Invite staff, change their roles, deactivate them.
    ManageStaff,
    /// Change the portal settings.
    ManageSettings,
    /// Create, edit, archive contractors.
    ManageContractors,
    /// Create, invite, edit, disable and delete portal users.
    ManagePortalUsers,
    /// Create, edit, issue and cancel documents.
    ManageDocuments,
    /// Record and remove payments.
    ManagePayments,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 6] = [
        Permission::ManageStaff,
        Permission::ManageSettings,
        Permission::ManageContractors,
        Permission::ManagePortalUsers,
        Permission::ManageDocuments,
        Permission::ManagePayments,
    ];

    /// What the permission covers, for the 403 that names it.
    pub fn description(self) -> &'static str {
        match self {
            Permission::ManageStaff => "managing staff needs the owner or admin role",
            Permission::ManageSettings => "changing settings needs the owner or admin role",
            Permission::ManageContractors => {
                "managing contractors needs the owner, admin or sales role"
            }
            Permission::ManagePortalUsers => {
                "managing portal users needs the owner, admin or sales role"
            }
            Permission::ManageDocuments => {
                "managing documents needs the owner, admin or accountant role"
            }
            Permission::ManagePayments => {
                "managing payments needs the owner, admin or accountant role"
            }
        }
    }
}

/// Whether `role` may make changes of kind `permission`. Owner: everything; admin: everything
/// (making or unmaking owners is checked apart, see [`may_grant`]); accountant: documents and
/// payments; sales: contractors and their portal users.
pub fn allows(role: Role, permission: Permission) -> bool {
    use Permission::*;
    match role {
        Role::Owner | Role::Admin => true,
        Role::Accountant => matches!(permission, ManageDocuments | ManagePayments),
        Role::Sales => matches!(permission, ManageContractors | ManagePortalUsers),
    }
}

/// Whether `actor` may give a member the role `to` or take away `from`: anyone who manages
/// staff may, except that ownership is given and taken by owners only.
pub fn may_grant(actor: Role, from: Option<Role>, to: Role) -> bool {
    allows(actor, Permission::ManageStaff)
        && (actor == Role::Owner || (to != Role::Owner && from != Some(Role::Owner)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_table() {
        use Permission::*;
        let expected: [(Role, &[Permission]); 4] = [
            (Role::Owner, &Permission::ALL),
            (Role::Admin, &Permission::ALL),
            (Role::Accountant, &[ManageDocuments, ManagePayments]),
            (Role::Sales, &[ManageContractors, ManagePortalUsers]),
        ];
        for (role, granted) in expected {
            for permission in Permission::ALL {
                assert_eq!(
                    allows(role, permission),
                    granted.contains(&permission),
                    "{role} {permission:?}"
                );
            }
        }
    }

    #[test]
    fn only_owners_make_or_unmake_owners() {
        assert!(may_grant(Role::Owner, None, Role::Owner));
        assert!(may_grant(Role::Owner, Some(Role::Owner), Role::Admin));
        assert!(may_grant(Role::Admin, None, Role::Admin));
        assert!(may_grant(Role::Admin, Some(Role::Sales), Role::Accountant));
        assert!(!may_grant(Role::Admin, None, Role::Owner));
        assert!(!may_grant(Role::Admin, Some(Role::Owner), Role::Admin));
        assert!(!may_grant(Role::Accountant, None, Role::Sales));
        assert!(!may_grant(Role::Sales, Some(Role::Sales), Role::Sales));
    }
}
