//! The world a template compiles in: its own source, the model as
//! `/data.json`, the files the caller hands in (the provider's logo as
//! `/logo.png`), the DejaVu fonts from the binary, and nothing else — no
//! system fonts, no files from the disk, no packages (so no network), and
//! no clock: the document's date is in its data.

use std::sync::OnceLock;

use typst::diag::{FileError, FileResult, PackageError, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};

use super::RenderError;

pub(super) struct DocumentWorld {
    main: Source,
    data_id: FileId,
    data: Bytes,
    files: Vec<(FileId, Bytes)>,
}

fn file_id(path: &str) -> Result<FileId, RenderError> {
    let vpath = VirtualPath::new(path).map_err(|e| RenderError(vec![format!("{path}: {e:?}")]))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl DocumentWorld {
    pub(super) fn new(template: &str, data: &serde_json::Value, files: &[(&str, &[u8])]) -> Result<DocumentWorld, RenderError> {
        let main = Source::new(file_id("/main.typ")?, template.to_string());
        let bytes = serde_json::to_vec(data).map_err(|e| RenderError(vec![e.to_string()]))?;
        let files = files
            .iter()
            .map(|(path, bytes)| Ok((file_id(path)?, Bytes::new(bytes.to_vec()))))
            .collect::<Result<Vec<_>, RenderError>>()?;
        Ok(DocumentWorld { main, data_id: file_id("/data.json")?, data: Bytes::new(bytes), files })
    }

    /// "line N: message" for a diagnostic in the template.
    pub(super) fn located(&self, d: &SourceDiagnostic) -> String {
        let line = self.range(d.span).and_then(|r| self.main.lines().byte_to_line(r.start));
        match line {
            Some(l) => format!("line {}: {}", l + 1, d.message),
            None => d.message.to_string(),
        }
    }
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

/// The fonts, read once per process: DejaVu Sans and Serif, regular and
/// bold, with Cyrillic and ₽.
fn fonts() -> &'static (LazyHash<FontBook>, Vec<Font>) {
    static FONTS: OnceLock<(LazyHash<FontBook>, Vec<Font>)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let faces = [
            dejavu::sans::regular(),
            dejavu::sans::bold(),
            dejavu::sans::oblique(),
            dejavu::serif::regular(),
            dejavu::serif::bold(),
        ];
        let fonts: Vec<Font> = faces.into_iter().flat_map(|data| Font::iter(Bytes::new(data))).collect();
        (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
    })
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        Err(refused(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            return Ok(self.data.clone());
        }
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        if let Some((_, bytes)) = self.files.iter().find(|(f, _)| *f == id) {
            return Ok(bytes.clone());
        }
        Err(refused(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().1.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// A package would come from the network, and any other file from the
/// disk: a document has neither.
fn refused(id: FileId) -> FileError {
    match id.get().root() {
        VirtualRoot::Package(spec) => FileError::Package(PackageError::NotFound(spec.clone())),
        VirtualRoot::Project => FileError::AccessDenied,
    }
}
