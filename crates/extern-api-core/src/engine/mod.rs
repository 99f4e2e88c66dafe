//! What the workflows share: following a sent draft to its end ([`follow`]), draft tasks that
//! are never sent twice ([`draft_tasks`]), answering the replies that fall due ([`replies`]),
//! and the steps an observer sees ([`progress`]).

pub(crate) mod draft_tasks;
pub(crate) mod follow;
pub(crate) mod progress;
pub(crate) mod replies;
