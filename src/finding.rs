//! Findings: every problem `check` reports, as data (rule id, severity, location, message, help).

use crate::i18n::Lang;
use serde::Serialize;

/// How serious a finding is. Errors stop `build`; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The volume cannot be archived as it is.
    Error,
    /// Worth a look; does not stop the build.
    Warning,
}

/// A text in both message languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// Simplified Chinese (the default).
    pub zh: String,
    /// English (`--lang en`).
    pub en: String,
}

impl Text {
    /// Builds a bilingual text.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }
    /// The text in the given language.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// One problem found in the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable rule id (spec §6), e.g. `order`.
    pub rule: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// The volume id, when the finding belongs to one.
    pub volume: Option<String>,
    /// The file, relative to the archive root, with `/` separators.
    pub file: Option<String>,
    /// 1-based line (0 = none).
    pub line: u32,
    /// 1-based column (0 = none).
    pub column: u32,
    /// What is wrong.
    pub message: Text,
    /// What to do about it.
    pub help: Text,
}

impl Finding {
    /// An error finding without a location yet.
    pub fn error(rule: &'static str, message: Text, help: Text) -> Self {
        Finding {
            rule,
            severity: Severity::Error,
            volume: None,
            file: None,
            line: 0,
            column: 0,
            message,
            help,
        }
    }
    /// A warning finding without a location yet.
    pub fn warning(rule: &'static str, message: Text, help: Text) -> Self {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(rule, message, help)
        }
    }
    /// Sets the file (relative to the root) and position.
    pub fn at(mut self, file: impl Into<String>, pos: crate::yaml::Pos) -> Self {
        self.file = Some(file.into());
        self.line = pos.line;
        self.column = pos.column;
        self
    }
    /// Sets the file only.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }
    /// Sets the volume id.
    pub fn in_volume(mut self, volume: impl Into<String>) -> Self {
        self.volume = Some(volume.into());
        self
    }
    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Shorthand for a bilingual [`Text`].
#[macro_export]
macro_rules! t {
    ($zh:expr, $en:expr $(,)?) => {
        $crate::finding::Text::new($zh, $en)
    };
}
