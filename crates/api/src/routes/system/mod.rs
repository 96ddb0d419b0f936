//! What is not the API of a realm: health probes, the web apps, and the answer when no route
//! matches.

pub mod brand;
pub mod fallback;
pub mod health;
pub mod spa;
