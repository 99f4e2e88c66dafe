//! The vendor's spellings of the draft status, task state, docflow status and success state, in
//! one place. The model stores these enums; JSON is built with [`DraftStatus::as_str`] and its
//! siblings, so every wire string is written here and nowhere else.

/// Declares a small vocabulary enum: its variants, their wire spellings, `as_str`, `Display` and
/// `Serialize` (as the spelling).
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// The vendor's spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        /// Read back from a data directory (the vendor's spelling).
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                match text.as_ref() {
                    $($wire => Ok(Self::$variant),)+
                    other => Err(serde::de::Error::unknown_variant(other, &[$($wire),+])),
                }
            }
        }
    };
}

vocabulary! {
    /// A draft's `status`.
    DraftStatus {
        New => "new",
        CheckInProgress => "check-in-progress",
        Checked => "checked",
        PrepareInProgress => "prepare-in-progress",
        ReadyToSend => "ready-to-send",
        SendInProgress => "send-in-progress",
        Sent => "sent",
        TransferredToWeb => "transferred-to-web",
    }
}

vocabulary! {
    /// A task's `task-state`.
    TaskState {
        Running => "running",
        Succeed => "succeed",
        Failed => "failed",
    }
}

vocabulary! {
    /// A docflow's `status` (rendered after `urn:docflow-common-status:`).
    DocflowStatus {
        Sent => "sent",
        Delivered => "delivered",
        Received => "received",
        Arrived => "arrived",
        Processed => "processed",
        ResponseArrived => "response-arrived",
        ResponseProcessed => "response-processed",
        Finished => "finished",
    }
}

vocabulary! {
    /// A docflow's `success-state` (rendered after `urn:docflow-state:`).
    SuccessState {
        Neutral => "neutral",
        Successful => "successful",
        Warning => "warning",
        Failed => "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_are_the_vendors() {
        assert_eq!(DraftStatus::ReadyToSend.as_str(), "ready-to-send");
        assert_eq!(
            DraftStatus::TransferredToWeb.to_string(),
            "transferred-to-web"
        );
        assert_eq!(TaskState::Succeed.as_str(), "succeed");
        assert_eq!(DocflowStatus::ResponseArrived.as_str(), "response-arrived");
        assert_eq!(
            serde_json::to_value(SuccessState::Successful).unwrap(),
            serde_json::json!("successful")
        );
    }
}
