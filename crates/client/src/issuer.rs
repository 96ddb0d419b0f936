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

    /// `GET /api/v1/issuer/auth/setup`: whether the first-run setup is open.
    pub async fn setup_status(&self) -> Result<SetupStatus, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/issuer/auth/setup"))
            .await
    }

    /// `POST /api/v1/issuer/auth/setup`: the first organisation and its owner; signs in.
    pub async fn setup(&self, request: &SetupRequest) -> Result<TokenResponse, ClientError> {
        self.sign_in(Realm::Issuer, "setup", request).await
    }

    /// `GET /api/v1/issuer/auth/signup`: whether anyone may create an organisation.
    pub async fn signup_status(&self) -> Result<SignupStatus, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/issuer/auth/signup"))
            .await
    }

    /// `POST /api/v1/issuer/auth/signup`: asks for an organisation; a link is mailed.
    pub async fn signup(&self, request: &SignupRequest) -> Result<SignupAccepted, ClientError> {
        self.send(
            self.request(Method::POST, "/api/v1/issuer/auth/signup")
                .json(request),
        )
        .await
    }

    /// `POST /api/v1/issuer/auth/signup/confirm`: the mailed link's token; creates the
    /// organisation and signs its owner in.
    pub async fn confirm_signup(&self, token: &str) -> Result<TokenResponse, ClientError> {
        let body = SignupConfirm {
            token: token.to_string(),
        };
        self.sign_in(Realm::Issuer, "signup/confirm", &body).await
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

    /// `POST /api/v1/issuer/contractors/import`: a CSV file, its columns read into `columns`
    /// (guessed from the header when `None`).
    pub async fn import_contractors(
        &self,
        csv: impl Into<Vec<u8>>,
        options: &ImportOptions,
    ) -> Result<ImportReport, ClientError> {
        let mut query: Vec<(&str, String)> = vec![
            ("dry_run", options.dry_run.to_string()),
            ("skip_bad_rows", options.skip_bad_rows.to_string()),
        ];
        if let Some(columns) = &options.columns {
            let names: Vec<&str> = columns
                .iter()
                .map(|c| c.map_or("", ImportField::as_str))
                .collect();
            query.push(("columns", names.join(",")));
        }
        self.send(
            self.request(Method::POST, "/api/v1/issuer/contractors/import")
                .query(&query)
                .header(reqwest::header::CONTENT_TYPE, "text/csv; charset=utf-8")
                .body(csv.into()),
        )
        .await
    }

    /// `GET /api/v1/issuer/contractors/{id}`.
    pub async fn contractor(&self, id: i64) -> Result<Contractor, ClientError> {
        self.send(self.request(Method::GET, &format!("/api/v1/issuer/contractors/{id}")))
            .await
    }

    /// `GET /api/v1/issuer/contractors/{id}/changes`: its history, newest first.
    pub async fn contractor_changes(
        &self,
        id: i64,
    ) -> Result<portal_types::ContractorChanges, ClientError> {
        self.send(self.request(
            Method::GET,
            &format!("/api/v1/issuer/contractors/{id}/changes"),
        ))
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

impl Client {
    /// `GET /api/v1/issuer/documents?…` with the given query pairs.
    pub async fn issuer_documents(
        &self,
        query: &[(&str, &str)],
    ) -> Result<IssuerDocumentPage, ClientError> {
        self.send(
            self.request(Method::GET, "/api/v1/issuer/documents")
                .query(query),
        )
        .await
    }

    /// `POST /api/v1/issuer/documents`: a draft.
    pub async fn create_document(
        &self,
        input: &NewDocument,
    ) -> Result<IssuerDocument, ClientError> {
        self.send(
            self.request(Method::POST, "/api/v1/issuer/documents")
                .json(input),
        )
        .await
    }

    /// `GET /api/v1/issuer/documents/{id}`.
    pub async fn issuer_document(&self, id: i64) -> Result<IssuerDocument, ClientError> {
        self.send(self.request(Method::GET, &format!("/api/v1/issuer/documents/{id}")))
            .await
    }

    /// `PATCH /api/v1/issuer/documents/{id}` (drafts).
    pub async fn update_document(
        &self,
        id: i64,
        update: &DocumentUpdate,
    ) -> Result<IssuerDocument, ClientError> {
        self.send(
            self.request(Method::PATCH, &format!("/api/v1/issuer/documents/{id}"))
                .json(update),
        )
        .await
    }

    /// `DELETE /api/v1/issuer/documents/{id}` (drafts).
    pub async fn delete_document(&self, id: i64) -> Result<(), ClientError> {
        crate::check(
            self.request(Method::DELETE, &format!("/api/v1/issuer/documents/{id}"))
                .send()
                .await?,
        )
        .await?;
        Ok(())
    }

    /// `POST /api/v1/issuer/documents/{id}/{action}` for `issue`, `cancel` or `credit-note`.
    pub async fn document_action(
        &self,
        id: i64,
        action: &str,
    ) -> Result<IssuerDocument, ClientError> {
        self.send(self.request(
            Method::POST,
            &format!("/api/v1/issuer/documents/{id}/{action}"),
        ))
        .await
    }

    /// `POST /api/v1/issuer/documents/{id}/convert`: an accepted offer into a draft of `into`.
    pub async fn convert_offer(
        &self,
        id: i64,
        into: DocumentType,
    ) -> Result<IssuerDocument, ClientError> {
        self.send(
            self.request(
                Method::POST,
                &format!("/api/v1/issuer/documents/{id}/convert"),
            )
            .json(&ConvertOffer { doc_type: into }),
        )
        .await
    }

    /// `PUT /api/v1/issuer/organization/logo`: the picture as the body, declared as
    /// `content_type` (the server types it by its content).
    pub async fn upload_logo(
        &self,
        picture: impl Into<Vec<u8>>,
        content_type: &str,
    ) -> Result<OrganizationProfile, ClientError> {
        self.send(
            self.request(Method::PUT, "/api/v1/issuer/organization/logo")
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(picture.into()),
        )
        .await
    }

    /// `DELETE /api/v1/issuer/organization/logo`.
    pub async fn remove_logo(&self) -> Result<OrganizationProfile, ClientError> {
        self.send(self.request(Method::DELETE, "/api/v1/issuer/organization/logo"))
            .await
    }

    /// `GET /api/v1/issuer/organization/logo`: the media type and the picture.
    pub async fn logo(&self) -> Result<(String, Vec<u8>), ClientError> {
        let response = crate::check(
            self.request(Method::GET, "/api/v1/issuer/organization/logo")
                .send()
                .await?,
        )
        .await?;
        let media_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        Ok((media_type, response.bytes().await?.to_vec()))
    }

    /// `GET /api/v1/issuer/documents/{id}/pdf`.
    pub async fn issuer_document_pdf(&self, id: i64) -> Result<Vec<u8>, ClientError> {
        let response = crate::check(
            self.request(Method::GET, &format!("/api/v1/issuer/documents/{id}/pdf"))
                .send()
                .await?,
        )
        .await?;
        Ok(response.bytes().await?.to_vec())
    }

    /// `GET /api/v1/issuer/documents/pdf-archive?ids=…`: a ZIP file of their PDFs.
    pub async fn pdf_archive(&self, ids: &[i64]) -> Result<Vec<u8>, ClientError> {
        let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
        let response = crate::check(
            self.request(Method::GET, "/api/v1/issuer/documents/pdf-archive")
                .query(&[("ids", ids.join(","))])
                .send()
                .await?,
        )
        .await?;
        Ok(response.bytes().await?.to_vec())
    }

    /// `POST /api/v1/issuer/documents/mark-sent`.
    pub async fn mark_sent(&self, ids: &[i64]) -> Result<MarkedSent, ClientError> {
        self.send(
            self.request(Method::POST, "/api/v1/issuer/documents/mark-sent")
                .json(&MarkSent { ids: ids.to_vec() }),
        )
        .await
    }

    /// `GET /api/v1/issuer/documents/{id}/payments`.
    pub async fn payments(&self, document_id: i64) -> Result<PaymentList, ClientError> {
        self.send(self.request(
            Method::GET,
            &format!("/api/v1/issuer/documents/{document_id}/payments"),
        ))
        .await
    }

    /// `POST /api/v1/issuer/documents/{id}/payments`, with an `Idempotency-Key` when given.
    pub async fn record_payment(
        &self,
        document_id: i64,
        payment: &NewPayment,
        idempotency_key: Option<&str>,
    ) -> Result<Payment, ClientError> {
        let mut builder = self
            .request(
                Method::POST,
                &format!("/api/v1/issuer/documents/{document_id}/payments"),
            )
            .json(payment);
        if let Some(key) = idempotency_key {
            builder = builder.header("idempotency-key", key);
        }
        self.send(builder).await
    }

    /// `DELETE /api/v1/issuer/payments/{id}`.
    pub async fn delete_payment(&self, id: i64) -> Result<(), ClientError> {
        crate::check(
            self.request(Method::DELETE, &format!("/api/v1/issuer/payments/{id}"))
                .send()
                .await?,
        )
        .await?;
        Ok(())
    }
}

impl Client {
    /// `GET /api/v1/issuer/settings`.
    pub async fn settings(&self) -> Result<OrganizationSettings, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/issuer/settings"))
            .await
    }

    /// `GET /api/v1/issuer/organization`.
    pub async fn organization(&self) -> Result<OrganizationProfile, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/issuer/organization"))
            .await
    }

    /// `PATCH /api/v1/issuer/organization`.
    pub async fn update_organization(
        &self,
        update: &OrganizationUpdate,
    ) -> Result<OrganizationProfile, ClientError> {
        self.send(
            self.request(Method::PATCH, "/api/v1/issuer/organization")
                .json(update),
        )
        .await
    }

    /// `PATCH /api/v1/issuer/settings`.
    pub async fn update_settings(
        &self,
        update: &SettingsUpdate,
    ) -> Result<OrganizationSettings, ClientError> {
        self.send(
            self.request(Method::PATCH, "/api/v1/issuer/settings")
                .json(update),
        )
        .await
    }

    /// `GET /api/v1/issuer/payments/online` with `query` (`status`, `contractor`, paging).
    pub async fn online_payments(
        &self,
        query: &[(&str, &str)],
    ) -> Result<OnlinePaymentPage, ClientError> {
        self.send(
            self.request(Method::GET, "/api/v1/issuer/payments/online")
                .query(query),
        )
        .await
    }

    /// `GET /api/v1/issuer/settings/payments`.
    pub async fn payment_settings(&self) -> Result<PaymentSettings, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/issuer/settings/payments"))
            .await
    }

    /// `PATCH /api/v1/issuer/settings/payments`.
    pub async fn update_payment_settings(
        &self,
        update: &PaymentSettingsUpdate,
    ) -> Result<PaymentSettings, ClientError> {
        self.send(
            self.request(Method::PATCH, "/api/v1/issuer/settings/payments")
                .json(update),
        )
        .await
    }

    /// `POST /api/v1/issuer/settings/payments/test`.
    pub async fn test_stripe(&self) -> Result<StripeCheck, ClientError> {
        self.send(self.request(Method::POST, "/api/v1/issuer/settings/payments/test"))
            .await
    }

    /// `DELETE /api/v1/issuer/settings/payments/stripe`.
    pub async fn disconnect_stripe(&self) -> Result<PaymentSettings, ClientError> {
        self.send(self.request(Method::DELETE, "/api/v1/issuer/settings/payments/stripe"))
            .await
    }

    /// `POST /api/v1/issuer/settings/portal/apply-to-all`.
    pub async fn apply_portal_access_to_all(&self) -> Result<AppliedToAll, ClientError> {
        self.send(self.request(Method::POST, "/api/v1/issuer/settings/portal/apply-to-all"))
            .await
    }

    /// `GET /api/v1/issuer/events?…` with the given query pairs.
    pub async fn events(&self, query: &[(&str, &str)]) -> Result<EventPage, ClientError> {
        self.send(
            self.request(Method::GET, "/api/v1/issuer/events")
                .query(query),
        )
        .await
    }
}

/// How [`Client::import_contractors`] imports.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Check and report only.
    pub dry_run: bool,
    /// Import the good rows when some have errors.
    pub skip_bad_rows: bool,
    /// The field of each column (`None`: ignored); guessed from the header when `None`.
    pub columns: Option<Vec<Option<ImportField>>>,
}

impl Client {
    /// `GET /api/v1/issuer/api-keys`.
    pub async fn api_keys(&self) -> Result<ApiKeyList, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/issuer/api-keys"))
            .await
    }

    /// `POST /api/v1/issuer/api-keys`: the answer's `token` is the key, shown once.
    pub async fn create_api_key(&self, key: &NewApiKey) -> Result<CreatedApiKey, ClientError> {
        self.send(
            self.request(Method::POST, "/api/v1/issuer/api-keys")
                .json(key),
        )
        .await
    }

    /// `PATCH /api/v1/issuer/api-keys/{id}`.
    pub async fn update_api_key(
        &self,
        id: i64,
        update: &ApiKeyUpdate,
    ) -> Result<ApiKey, ClientError> {
        self.send(
            self.request(Method::PATCH, &format!("/api/v1/issuer/api-keys/{id}"))
                .json(update),
        )
        .await
    }

    /// `DELETE /api/v1/issuer/api-keys/{id}`: revoke it.
    pub async fn revoke_api_key(&self, id: i64) -> Result<(), ClientError> {
        crate::check(
            self.request(Method::DELETE, &format!("/api/v1/issuer/api-keys/{id}"))
                .send()
                .await?,
        )
        .await?;
        Ok(())
    }

    /// `GET /api/v1/issuer/webhooks`.
    pub async fn webhooks(&self) -> Result<WebhookEndpointList, ClientError> {
        self.send(self.request(Method::GET, "/api/v1/issuer/webhooks"))
            .await
    }

    /// `POST /api/v1/issuer/webhooks`: the answer's `secret` is shown once.
    pub async fn create_webhook(
        &self,
        endpoint: &NewWebhookEndpoint,
    ) -> Result<CreatedWebhookEndpoint, ClientError> {
        self.send(
            self.request(Method::POST, "/api/v1/issuer/webhooks")
                .json(endpoint),
        )
        .await
    }

    /// `PATCH /api/v1/issuer/webhooks/{id}`.
    pub async fn update_webhook(
        &self,
        id: i64,
        update: &WebhookEndpointUpdate,
    ) -> Result<WebhookEndpoint, ClientError> {
        self.send(
            self.request(Method::PATCH, &format!("/api/v1/issuer/webhooks/{id}"))
                .json(update),
        )
        .await
    }

    /// `DELETE /api/v1/issuer/webhooks/{id}`.
    pub async fn delete_webhook(&self, id: i64) -> Result<(), ClientError> {
        crate::check(
            self.request(Method::DELETE, &format!("/api/v1/issuer/webhooks/{id}"))
                .send()
                .await?,
        )
        .await?;
        Ok(())
    }

    /// `POST /api/v1/issuer/webhooks/{id}/rotate-secret`.
    pub async fn rotate_webhook_secret(
        &self,
        id: i64,
    ) -> Result<RotatedWebhookSecret, ClientError> {
        self.send(self.request(
            Method::POST,
            &format!("/api/v1/issuer/webhooks/{id}/rotate-secret"),
        ))
        .await
    }

    /// `GET /api/v1/issuer/webhooks/{id}/deliveries?page=&per_page=`.
    pub async fn webhook_deliveries(
        &self,
        id: i64,
        page: u32,
        per_page: u32,
    ) -> Result<WebhookDeliveryList, ClientError> {
        self.send(self.request(
            Method::GET,
            &format!("/api/v1/issuer/webhooks/{id}/deliveries?page={page}&per_page={per_page}"),
        ))
        .await
    }

    /// `GET /api/v1/issuer/webhooks/{id}/deliveries/{delivery_id}`.
    pub async fn webhook_delivery(
        &self,
        id: i64,
        delivery_id: i64,
    ) -> Result<WebhookDeliveryDetail, ClientError> {
        self.send(self.request(
            Method::GET,
            &format!("/api/v1/issuer/webhooks/{id}/deliveries/{delivery_id}"),
        ))
        .await
    }

    /// `POST /api/v1/issuer/webhooks/{id}/deliveries/{delivery_id}/resend`.
    pub async fn resend_webhook_delivery(
        &self,
        id: i64,
        delivery_id: i64,
    ) -> Result<WebhookDelivery, ClientError> {
        self.send(self.request(
            Method::POST,
            &format!("/api/v1/issuer/webhooks/{id}/deliveries/{delivery_id}/resend"),
        ))
        .await
    }

    /// `POST /api/v1/issuer/webhooks/{id}/test`.
    pub async fn test_webhook(&self, id: i64) -> Result<WebhookDelivery, ClientError> {
        self.send(self.request(Method::POST, &format!("/api/v1/issuer/webhooks/{id}/test")))
            .await
    }
}
