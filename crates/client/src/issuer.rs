//! The issuer side of the API: staff (and, as they land, contractors, portal users, documents,
//! payments, settings and activity).

use portal_types::*;
use reqwest::Method;

use crate::{Client, ClientError, Realm};

impl Client {
    /// `GET /api/v1/issuer/staff`.
    pub async fn issuer_staff(&self) -> Result<StaffList, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/issuer/staff"))
            .await
    }

    /// `POST /api/v1/issuer/staff`: invite a colleague.
    pub async fn invite_staff(&self, invite: &StaffInvite) -> Result<StaffMember, ClientError> {
        self.send(
            self.request(Method::POST, "/api/v1/issuer/staff")
                .json(invite),
        )
        .await
    }

    /// `PATCH /api/v1/issuer/staff/{id}`.
    pub async fn update_staff(
        &self,
        id: i64,
        update: &StaffUpdate,
    ) -> Result<StaffMember, ClientError> {
        self.send(
            self.request(Method::PATCH, &format!("/api/v1/issuer/staff/{id}"))
                .json(update),
        )
        .await
    }

    /// `POST /api/v1/issuer/auth/set-password`: set a password from a link and sign in.
    pub async fn issuer_set_password(
        &self,
        token: &str,
        password: &str,
    ) -> Result<TokenResponse, ClientError> {
        let body = SetPassword {
            token: token.to_string(),
            password: password.to_string(),
        };
        self.sign_in(Realm::Issuer, "set-password", &body).await
    }

    /// `POST /api/v1/portal/auth/set-password`: set a password from a link and sign in.
    pub async fn portal_set_password(
        &self,
        token: &str,
        password: &str,
    ) -> Result<TokenResponse, ClientError> {
        let body = SetPassword {
            token: token.to_string(),
            password: password.to_string(),
        };
        self.sign_in(Realm::Portal, "set-password", &body).await
    }
}

impl Client {
    /// `GET /api/v1/issuer/contractors?…` with the given query pairs.
    pub async fn contractors(&self, query: &[(&str, &str)]) -> Result<ContractorPage, ClientError> {
        self.send(
            self.request(Method::GET, "/api/v1/issuer/contractors")
                .query(query),
        )
        .await
    }

    /// `POST /api/v1/issuer/contractors`.
    pub async fn create_contractor(
        &self,
        input: &NewContractor,
    ) -> Result<Contractor, ClientError> {
        self.send(
            self.request(Method::POST, "/api/v1/issuer/contractors")
                .json(input),
        )
        .await
    }

    /// `GET /api/v1/issuer/contractors/{id}`.
    pub async fn contractor(&self, id: i64) -> Result<Contractor, ClientError> {
        self.send(self.request(Method::GET, &format!("/api/v1/issuer/contractors/{id}")))
            .await
    }

    /// `PATCH /api/v1/issuer/contractors/{id}`.
    pub async fn update_contractor(
        &self,
        id: i64,
        update: &ContractorUpdate,
    ) -> Result<Contractor, ClientError> {
        self.send(
            self.request(Method::PATCH, &format!("/api/v1/issuer/contractors/{id}"))
                .json(update),
        )
        .await
    }

    /// `POST /api/v1/issuer/contractors/{id}/archive` (`archived`) or `…/restore`.
    pub async fn archive_contractor(
        &self,
        id: i64,
        archived: bool,
    ) -> Result<Contractor, ClientError> {
        let action = if archived { "archive" } else { "restore" };
        self.send(self.request(
            Method::POST,
            &format!("/api/v1/issuer/contractors/{id}/{action}"),
        ))
        .await
    }
}

impl Client {
    /// `GET /api/v1/issuer/contractors/{id}/portal-users`.
    pub async fn portal_users(&self, contractor_id: i64) -> Result<PortalUserList, ClientError> {
        self.send(self.request(
            Method::GET,
            &format!("/api/v1/issuer/contractors/{contractor_id}/portal-users"),
        ))
        .await
    }

    /// `POST /api/v1/issuer/contractors/{id}/portal-users`.
    pub async fn create_portal_user(
        &self,
        contractor_id: i64,
        input: &NewPortalUser,
    ) -> Result<PortalUser, ClientError> {
        self.send(
            self.request(
                Method::POST,
                &format!("/api/v1/issuer/contractors/{contractor_id}/portal-users"),
            )
            .json(input),
        )
        .await
    }

    /// `GET /api/v1/issuer/portal-users/{id}`.
    pub async fn portal_user(&self, id: i64) -> Result<PortalUser, ClientError> {
        self.send(self.request(Method::GET, &format!("/api/v1/issuer/portal-users/{id}")))
            .await
    }

    /// `PATCH /api/v1/issuer/portal-users/{id}`.
    pub async fn update_portal_user(
        &self,
        id: i64,
        update: &PortalUserUpdate,
    ) -> Result<PortalUser, ClientError> {
        self.send(
            self.request(Method::PATCH, &format!("/api/v1/issuer/portal-users/{id}"))
                .json(update),
        )
        .await
    }

    /// `POST /api/v1/issuer/portal-users/{id}/invitation`: send the invitation again.
    pub async fn resend_invitation(&self, id: i64) -> Result<PortalUser, ClientError> {
        self.send(self.request(
            Method::POST,
            &format!("/api/v1/issuer/portal-users/{id}/invitation"),
        ))
        .await
    }

    /// `DELETE /api/v1/issuer/portal-users/{id}`.
    pub async fn delete_portal_user(&self, id: i64) -> Result<(), ClientError> {
        crate::check(
            self.request(Method::DELETE, &format!("/api/v1/issuer/portal-users/{id}"))
                .send()
                .await?,
        )
        .await?;
        Ok(())
    }

    /// `POST /api/v1/portal/auth/password-reset`: ask for a reset link (always 202).
    pub async fn request_password_reset(
        &self,
        organization: &str,
        login: &str,
    ) -> Result<(), ClientError> {
        crate::check(
            self.request(Method::POST, "/api/v1/portal/auth/password-reset")
                .json(&PasswordResetRequest {
                    organization: organization.to_string(),
                    login: login.to_string(),
                })
                .send()
                .await?,
        )
        .await?;
        Ok(())
    }
}
