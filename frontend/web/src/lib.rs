//! What the customer portal and the admin app share (issue: one client, one language
//! machinery, one formatting): the realm-aware REST client with silent refresh, the chosen
//! language and the words both use, money and dates in the user's language, escaped markup,
//! query strings, and a few components. `portal-ui` below it knows neither the API nor any
//! language; each app above it keeps its own pages and words, so a customer never downloads
//! the issuer's screens.

pub mod api;
pub mod components;
pub mod fmt;
pub mod html;
pub mod i18n;
pub mod lazy;
pub mod thread;
pub mod url;
