//! Closed sets stored as text. A state, status or kind is a Rust enum with
//! one stored name per variant; the store decodes a column into the enum
//! (`TryFrom<String>`, so a row with a name Kopek does not know is an
//! error, never a silent default) and binds `as_str()`.

/// A stored name that no variant has: the database holds something this
/// version of Kopek does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?} in the database")]
pub struct UnknownStored {
    pub what: &'static str,
    pub value: String,
}

/// Declares an enum with its stored names, `ALL`, `as_str`, `parse`,
/// `Display` and `TryFrom<String>`.
macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        $crate::stored::stored_from_string!($name);
    };
}

/// `TryFrom<String>` for an enum that has `parse`, so the store can decode
/// its column.
macro_rules! stored_from_string {
    ($name:ident) => {
        impl TryFrom<String> for $name {
            type Error = $crate::stored::UnknownStored;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                $name::parse(&value).ok_or($crate::stored::UnknownStored { what: stringify!($name), value })
            }
        }
    };
}

pub(crate) use {stored_enum, stored_from_string};
