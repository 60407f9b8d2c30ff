//! The second pass for one workbook: render, compile and write its document (the PDF, and what
//! `--emit` asks for beside it), say what changed since its last build, and report.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cancel::Registration;
use super::engine::{Engine, Pages};
use super::parallel::guarded;
use super::plan::Plan;
use super::report::{Observer, PageImages, PageSet, Report, Status, first_changed};
use crate::changes::{self, Change, Node};
use crate::check;
use crate::compile::{DocumentIdentity, EarlyPage};
use crate::contract::RuleId;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::evaluation::{Evaluation, identity_name};
use crate::model::Department;
use crate::output::manifest::{self, Entry, Inputs};
use crate::output::store::{self, Kept, Store};
use crate::output::{self, record};
use crate::render::{Attach, Rendered};

/// What a department built last time, and the batch that records what it builds now.
pub(super) type Previous<'a> = (&'a Store<Node>, &'a Registration<'a>);

/// A document written: where its PDF is, and its pages when kept.
/// The observer told of the page a rebuild changed first, as soon as it is laid out.
struct Early<'a> {
    observer: &'a dyn Observer,
    file: &'a Path,
}

impl EarlyPage for Early<'_> {
    fn choose(&self, texts: &[String]) -> usize {
        self.observer
            .shown_before(self.file)
            .and_then(|before| first_changed(&before.texts, texts))
            .unwrap_or(0)
    }

    fn ready(&self, page: usize, png: &[u8]) {
        self.observer.early_page(self.file, page, png);
    }
}

struct Written {
    pdf: PathBuf,
    pages: Option<PageImages>,
}

impl Engine {
    /// The second pass for one workbook. With `previous`, the department's changes since its
    /// last build are reported and added to its change record, and what it built is recorded
    /// in the batch.
    pub(super) fn execute(
        &self,
        file: &Path,
        plan: Plan,
        observer: &dyn Observer,
        previous: Option<Previous<'_>>,
    ) -> Report {
        match plan {
            Plan::Failed { diagnostics, name } => Report::failure(file, name, diagnostics),
            Plan::Unchanged {
                pdf,
                department,
                warnings,
                workbook,
                self_evaluation,
                ..
            } => Report {
                file: file.to_path_buf(),
                status: Status::Unchanged,
                pdf: Some(self.output().join(pdf)),
                department: Some(department),
                diagnostics: Vec::new(),
                changes: None,
                model: None,
                self_evaluation,
                evaluation: None,
                kept_warnings: warnings,
                workbook_hash: Some(workbook),
                pages: None,
            },
            Plan::Build {
                department,
                evaluation,
                adjusted,
                mut diagnostics,
                inputs,
                data,
            } => {
                let name = department.name.clone();
                if self.cancel().is_stopped() {
                    diagnostics.push(Diagnostic::error(
                        file,
                        Location::file(),
                        RuleId::Interrupted,
                        "运行被中断，未生成",
                    ));
                    return Report::failure(file, Some(name), diagnostics);
                }
                // A self-evaluation against the goals text of its year in this output folder.
                if evaluation.is_some()
                    && let Some((store, _)) = previous
                    && let Some(goals) = store.get(&department.name, department.year)
                {
                    diagnostics.extend(check::goal_changes(file, &goals.data, &data, &adjusted));
                }
                let hash = inputs.workbook.clone();
                let batch = previous.map(|(_, batch)| batch);
                let (written, more) = guarded(file, || {
                    let mut diagnostics = Vec::new();
                    let document = (&*department, evaluation.as_deref());
                    let written =
                        self.produce(file, document, inputs, observer, batch, &mut diagnostics);
                    (written, diagnostics)
                });
                diagnostics.extend(more);
                let Some(written) = written else {
                    return Report::failure(file, Some(name), diagnostics);
                };
                let key = output::file_name(&department.title, "pdf");
                let changes = previous.and_then(|(store, batch)| {
                    let identity = identity_name(&department.name, evaluation.is_some());
                    let document = (&*department, identity.as_str());
                    let (changes, unwritten) =
                        self.record_changes(file, document, &key, *data, store, batch);
                    diagnostics.extend(unwritten);
                    changes
                });
                Report {
                    file: file.to_path_buf(),
                    status: Status::Built,
                    pdf: Some(written.pdf),
                    department: Some(name),
                    diagnostics,
                    changes,
                    // The volume and the summary use the department built, without reading it
                    // again.
                    model: Some(department),
                    self_evaluation: evaluation.is_some(),
                    evaluation,
                    kept_warnings: None,
                    workbook_hash: Some(hash),
                    pages: written.pages,
                }
            }
        }
    }

    /// The changes of a department just built since its build in `previous` (`None` when it has
    /// none), added to its change record; a warning when the record cannot be written (the PDF
    /// is good). What this build printed is kept in the batch.
    fn record_changes(
        &self,
        file: &Path,
        (department, identity): (&Department, &str),
        pdf: &str,
        data: Node,
        previous: &Store<Node>,
        batch: &Registration<'_>,
    ) -> (Option<Vec<Change>>, Option<Diagnostic>) {
        let now = jiff::ZonedDateTime::now()
            .strftime("%Y-%m-%d %H:%M")
            .to_string();
        let changes = previous
            .get(identity, department.year)
            .map(|last| changes::compare(&last.data, &data));
        let unwritten = match &changes {
            Some(list) if !list.is_empty() => {
                record::prepend(self.output(), &department.title, &now, file, list)
                    .err()
                    .map(|e| {
                        Diagnostic::warning(
                            file,
                            Location::file(),
                            RuleId::ChangeRecord,
                            format!(
                                "无法写入更正记录 {}：{e}",
                                self.output()
                                    .join(record::file_name(&department.title))
                                    .display()
                            ),
                        )
                    })
            }
            _ => None,
        };
        let kept = Kept {
            pdf: pdf.to_string(),
            built: now,
            data,
        };
        batch.kept(store::key(identity, department.year), kept);
        (changes, unwritten)
    }

    /// Render, compile and write one checked department's document (its goals text, or with an
    /// evaluation its self-evaluation): the PDF's path and its pages when kept. With `batch`, its
    /// manifest entry is recorded there as soon as the PDF is written.
    fn produce(
        &self,
        file: &Path,
        (department, evaluation): (&Department, Option<&Evaluation>),
        inputs: Inputs,
        observer: &dyn Observer,
        batch: Option<&Registration<'_>>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Written> {
        let typeset_error =
            |message: String| Diagnostic::error(file, Location::file(), RuleId::Typeset, message);
        // The department's data rides inside its PDF, unless the PDF standard forbids attachments.
        let attach = if self.typesetter.allows_attachments() {
            Attach::Served
        } else {
            Attach::Nothing
        };
        let rendered = match self.render(department, evaluation, attach) {
            Ok(rendered) => rendered,
            Err(e) => {
                diagnostics.push(typeset_error(format!("模板渲染失败：{e:#}")));
                return None;
            }
        };
        let identity = DocumentIdentity::of(department, evaluation.is_some());
        let early = Early { observer, file };
        let compiled = match self.typesetter.compile_observed(
            rendered.source,
            &identity,
            &rendered.files,
            &early,
        ) {
            Ok(compiled) => compiled,
            Err(errors) => {
                diagnostics.extend(errors.0.into_iter().map(typeset_error));
                return None;
            }
        };
        diagnostics.extend(
            compiled
                .warnings
                .into_iter()
                .map(|w| Diagnostic::warning(file, Location::file(), RuleId::Typeset, w)),
        );
        let stem = output::file_stem(&department.title);
        let pdf_path = self
            .output()
            .join(output::file_name(&department.title, "pdf"));
        // Holding the gate: an interrupt waits for this write, then finds no temporary file.
        let _gate = self.cancel().write_gate();
        if self.cancel().is_interrupted() {
            diagnostics.push(typeset_error("运行被中断，未写入".to_string()));
            return None;
        }
        let mut emitted = Emitted::default();
        if self.config.emit_typ {
            match self.emit_source(department, evaluation, &stem) {
                Ok(hashes) => emitted = hashes,
                Err(message) => {
                    diagnostics.push(typeset_error(message));
                    return None;
                }
            }
        }
        let mut pages = None;
        match self.config.pages {
            Pages::None => {}
            Pages::Kept => {
                pages = Some(Arc::new(PageSet {
                    pngs: compiled.pngs,
                    texts: compiled.texts,
                }))
            }
            Pages::Beside => {
                // `{标题}-{页}.png`: the page number after the title made safe (and cut), so
                // that it is never cut off.
                for (n, png) in compiled.pngs.iter().enumerate() {
                    let png_path = self.output().join(format!("{stem}-{}.png", n + 1));
                    if let Err(e) = output::write_atomic(&png_path, png) {
                        diagnostics.push(typeset_error(format!(
                            "无法写入 {}：{e}",
                            png_path.display()
                        )));
                        return None;
                    }
                }
            }
        }
        if let Err(e) = output::write_atomic(&pdf_path, &compiled.pdf) {
            diagnostics.push(typeset_error(format!(
                "无法写入 {}：{e}",
                pdf_path.display()
            )));
            return None;
        }
        let entry = Entry {
            workbook: file.to_path_buf(),
            department: department.name.clone(),
            year: department.year,
            inputs,
            pdf: manifest::bytes_hash(&compiled.pdf),
            typ: emitted.source,
            data: emitted.data,
            warnings: Some(Severity::Warning.count(diagnostics)),
            self_evaluation: evaluation.is_some(),
        };
        // Still inside the gate: an interrupt records this entry.
        if let Some(batch) = batch {
            batch.built(output::file_name(&department.title, "pdf"), entry);
        }
        Some(Written {
            pdf: pdf_path,
            pages,
        })
    }

    /// `--emit typ`: the document's source beside its PDF, reading its data from `{stem}.json`
    /// written beside it, so that it compiles on its own (`typst compile`); their hashes, for the
    /// manifest.
    fn emit_source(
        &self,
        department: &Department,
        evaluation: Option<&Evaluation>,
        stem: &str,
    ) -> Result<Emitted, String> {
        let attach = if self.typesetter.allows_attachments() {
            Attach::Beside {
                stem: stem.to_string(),
            }
        } else {
            Attach::Nothing
        };
        let Rendered { source, files } = self
            .render(department, evaluation, attach)
            .map_err(|e| format!("模板渲染失败：{e:#}"))?;
        let write = |name: &str, bytes: &[u8]| {
            let path = self.output().join(name);
            output::write_atomic(&path, bytes)
                .map(|()| manifest::bytes_hash(bytes))
                .map_err(|e| format!("无法写入 {}：{e}", path.display()))
        };
        // The data first: a source never reads a file that is not there.
        let data = match files.first() {
            Some(file) => Some(write(&file.path, &file.bytes)?),
            None => None,
        };
        Ok(Emitted {
            source: Some(write(&format!("{stem}.typ"), source.as_bytes())?),
            data,
        })
    }
}

impl Engine {
    /// A department's document: its goals text, or its self-evaluation when it has one.
    pub(super) fn render(
        &self,
        department: &Department,
        evaluation: Option<&Evaluation>,
        attach: Attach,
    ) -> crate::Result<Rendered> {
        match evaluation {
            Some(e) => self.renderer.self_evaluation(department, e, attach),
            None => self.renderer.document(department, attach),
        }
    }
}

/// The hashes of what `--emit typ` wrote beside a PDF.
#[derive(Default)]
struct Emitted {
    source: Option<String>,
    data: Option<String>,
}
