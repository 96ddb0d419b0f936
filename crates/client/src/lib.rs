//! portal-client
