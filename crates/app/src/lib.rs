//! The application layer of Rathaus: the one place where the portal's operations live, for
//! every face that calls them (the HTML pages, the JSON API, the operator CLI, the outbox
//! worker). It knows nothing of HTTP or HTML: a face parses its input, calls one function
//! here with the actor and the access handle it holds, and renders the typed result.

pub mod cases;
pub mod clock;
pub mod guard;
pub mod secrets;
