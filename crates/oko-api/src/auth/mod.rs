//! Authentication: password hashing, tokens, and the extractor that turns a bearer
//! token into a [`oko_db::principal::Principal`] on every request.

pub mod client_address;
pub mod extractor;
pub mod password;
pub mod throttle;
pub mod tokens;
