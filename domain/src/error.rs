//! The domain's typed errors. They carry messages meant for people; the server maps them to HTTP
//! status codes in exactly one place (`server::error`).

use crate::config::ConfigError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0} not found")]
    NotFound(&'static str),

    /// The content is not something this DAM stores, or not what its name claims (decided from
    /// the bytes). `why` ends the sentence that starts with the file name.
    #[error("“{filename}” {why}; nothing was stored")]
    UnsupportedType { filename: String, why: String },

    #[error("“{filename}” is empty; nothing was stored")]
    EmptyFile { filename: String },

    #[error("“{filename}” is larger than the limit of {}; nothing was stored", crate::sizes::human_size(*limit_bytes))]
    TooLarge { filename: String, limit_bytes: u64 },

    #[error("the upload of “{filename}” was interrupted ({reason}); nothing was stored")]
    UploadInterrupted { filename: String, reason: String },

    #[error("sign in first")]
    Unauthenticated,

    /// A bearer token that opens nothing: never silent anonymity for a script that sent one.
    #[error("this API token is not valid: it was revoked, it expired, or it is mistyped")]
    InvalidToken,

    #[error("you are not allowed to {0}")]
    Forbidden(String),

    #[error("wrong e-mail or password")]
    InvalidCredentials,

    /// A share link's password, mistyped.
    #[error("wrong password")]
    WrongPassword,

    #[error("this account is disabled; ask an administrator")]
    AccountDisabled,

    #[error("too many attempts; try again in {} seconds", retry_after.as_secs().max(1))]
    RateLimited { retry_after: std::time::Duration },

    #[error("{0}")]
    Conflict(String),

    /// It existed once and will not come back (an expired upload).
    #[error("{0}")]
    Gone(String),

    /// Someone else is changing it right now.
    #[error("{0}")]
    Locked(String),

    /// A signed link that is expired or was tampered with.
    #[error(transparent)]
    Link(#[from] crate::storage::SignatureError),

    /// A precondition of the protocol is not met (e.g. an unsupported tus version).
    #[error("{0}")]
    PreconditionFailed(String),

    #[error("the bytes received do not match the checksum sent with them; send them again")]
    ChecksumMismatch,

    #[error("invalid request: {0}")]
    BadRequest(String),

    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),

    #[error("storage error: {0}")]
    Storage(#[from] crate::storage::StorageError),

    /// A part the request needs is down for now; `0` says what and what to do.
    #[error("{0}")]
    Unavailable(String),

    /// The workspace's quota leaves no room for it (the sentence names the quota).
    #[error("{0}")]
    OverQuota(String),

    #[error("job queue unavailable: {0}")]
    Queue(String),

    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl Error {
    /// For errors that refuse one uploaded file (rather than a failure of the service), why.
    pub fn rejection(&self) -> Option<crate::dto::RejectReason> {
        use crate::dto::RejectReason;
        match self {
            Error::UnsupportedType { .. } => Some(RejectReason::UnsupportedType),
            Error::EmptyFile { .. } => Some(RejectReason::Empty),
            Error::TooLarge { .. } | Error::OverQuota(_) => Some(RejectReason::TooLarge),
            Error::UploadInterrupted { .. } => Some(RejectReason::Interrupted),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
