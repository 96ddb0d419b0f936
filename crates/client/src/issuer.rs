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
