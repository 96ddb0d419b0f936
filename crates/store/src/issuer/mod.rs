//! The issuer's view: everything of one organisation, drafts included. Every function takes an
//! [`IssuerScope`] (the HTTP layer makes it from a signed-in staff session or, later, an API
//! key), and every statement starts with its organisation: another organisation's row is not
//! found, never changed.

pub mod contractors;
pub mod documents;
pub mod events;
pub mod portal_users;
pub mod profile;
pub mod staff;

/// One organisation, as its staff sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuerScope {
    organization_id: i64,
}

impl IssuerScope {
    /// The scope of a signed-in member of `organization_id`'s staff.
    pub fn new(organization_id: i64) -> IssuerScope {
        IssuerScope { organization_id }
    }

    /// The organisation.
    pub fn organization_id(self) -> i64 {
        self.organization_id
    }
}
