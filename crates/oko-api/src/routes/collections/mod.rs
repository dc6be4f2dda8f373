//! Data collection: forms and their versions (operator), a publication's collection,
//! each organisation's draft (autosave), submissions, and spreadsheet exchange.

pub mod attachments;
pub mod collection;
pub mod comments;
pub mod decisions;
pub mod draft;
pub mod exchange;
pub mod forecast;
pub mod forms;
pub mod monitoring;
pub mod reminders;
pub mod submit;

use std::sync::Arc;

use actix_web::{HttpResponse, http::StatusCode};
use chrono::{DateTime, Utc};
use oko_db::{
    collections,
    drafts::{self, DraftStanding, StoredDraft},
    entities::{collection as collection_entity, organisation},
    held::Held,
    monitoring::DraftWriteKind,
    reach::Reach,
};
use oko_domain::{
    collections::{CollectionView, Draft, DraftConflict, Progress},
    error_code::ErrorCode,
    forms::{
        FormData, FormDefinition, Prefill, PrefillFacts, Reference, RosterFact, validate_with,
    },
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{auth::extractor::Authenticated, error::ApiError, state::AppState};

pub fn collection_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "Сбор данных не найден")
}

/// Collection `id` if the user sees its publication.
pub async fn seen_collection(
    state: &AppState,
    user: &Authenticated,
    id: uuid::Uuid,
    now: DateTime<Utc>,
) -> Result<collection_entity::Model, ApiError> {
    let found = state
        .collections
        .get(&state.db, id)
        .await?
        .ok_or_else(collection_not_found)?;
    let board = state.board.get(&state.db).await?;
    board
        .find_visible(found.publication_id, user.reach(), now)
        .ok_or_else(collection_not_found)?;
    Ok(found)
}

/// `?organisation=<login>`: whose draft a coordinator or the operator looks at.
#[derive(Debug, Deserialize, IntoParams)]
pub struct OrganisationParam {
    /// Login of an organisation under the caller (coordinators and the operator);
    /// organisations always get their own.
    pub organisation: Option<String>,
}

/// The organisation whose draft the request is about: an organisation user's own;
/// for coordinators and the operator the one named, if it is under them and the
/// collection's publication reaches it. Anything else is 404, like a missing one.
pub async fn target_organisation(
    state: &AppState,
    user: &Authenticated,
    collection: &collection_entity::Model,
    login: Option<&str>,
    now: DateTime<Utc>,
) -> Result<organisation::Model, ApiError> {
    let not_found = || ApiError::new(ErrorCode::NotFound, "Организация не найдена");
    let reach = user.reach();
    let organisation = match (reach, login) {
        (Reach::Organisation { id, .. }, _) => oko_db::orgs::find(&state.db, *id).await?,
        (_, Some(login)) => oko_db::storages::organisation_by_login(&state.db, login).await?,
        (_, None) => {
            return Err(ApiError::invalid_parameter(
                "organisation",
                "Укажите логин организации",
            ));
        }
    }
    .ok_or_else(not_found)?;
    let under = match reach {
        Reach::Everything => true,
        Reach::Region(region) => organisation.region_id == *region,
        Reach::Municipality { id, .. } => organisation.municipality_id == *id,
        Reach::Organisation { id, .. } => organisation.id == *id,
    };
    let as_reach = Reach::Organisation {
        id: organisation.id,
        region: organisation.region_id,
        kind: organisation.kind.clone(),
    };
    let board = state.board.get(&state.db).await?;
    let reached = board
        .find_visible(collection.publication_id, &as_reach, now)
        .is_some();
    if under && reached {
        Ok(organisation)
    } else {
        Err(not_found())
    }
}

/// Refuses changes to a closed collection.
pub fn require_open(
    collection: &collection_entity::Model,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    match collection.state(now) {
        oko_domain::collections::CollectionState::Open => Ok(()),
        oko_domain::collections::CollectionState::Closed => Err(ApiError::new(
            ErrorCode::CollectionClosed,
            format!(
                "Сбор данных закрыт ({}): изменения не сохраняются",
                oko_domain::collections::window_ru(collection.opens_at, collection.closes_at)
            ),
        )),
    }
}

/// The caller's organisation; anyone but an organisation user is refused: only
/// they fill forms.
pub(super) fn writing_organisation(user: &Authenticated) -> Result<uuid::Uuid, ApiError> {
    match user.reach() {
        Reach::Organisation { id, .. } => Ok(*id),
        _ => Err(ApiError::new(
            ErrorCode::Forbidden,
            "Заполнять и сдавать форму может только образовательная организация",
        )),
    }
}

/// What every change to a draft (save, submit, upload) starts from.
pub struct Writing {
    pub collection: collection_entity::Model,
    pub organisation_id: uuid::Uuid,
    pub form: Arc<FormDefinition>,
    /// What the organisation's unusual values are compared with.
    pub references: Arc<Vec<Reference>>,
    pub now: DateTime<Utc>,
}

impl Writing {
    /// The one draft write of autosave and upload: `next` over the draft it
    /// was made from, on the connection `held` that draft was read on (given
    /// back to the pool before the caller answers), its files checked first,
    /// noted for monitoring. `Err` holds the 409 to answer when someone saved
    /// first.
    pub async fn write(
        &self,
        state: &AppState,
        mut held: Held,
        next: NextDraft<'_>,
        user_id: uuid::Uuid,
    ) -> Result<Result<StoredDraft, HttpResponse>, ApiError> {
        let NextDraft {
            over,
            mut data,
            known_files,
            change_id,
        } = next;
        attachments::settle_files(state, self, &mut data, known_files).await?;
        let write = drafts::DraftWrite {
            collection_id: self.collection.id,
            organisation_id: self.organisation_id,
            data,
            change_id,
            user_id,
            now: self.now,
        };
        match drafts::write_draft(&mut held, over, write).await? {
            Some(written) => {
                self.noted(state, DraftWriteKind::Saved);
                Ok(Ok(written))
            }
            None => Ok(Err(self.conflict_on(&mut held).await?)),
        }
    }

    /// Tells monitoring's dates what this request wrote.
    pub fn noted(&self, state: &AppState, write: DraftWriteKind) {
        note_write(
            state,
            self.collection.id,
            self.organisation_id,
            write,
            self.now,
        );
    }
}

/// Tells the metrics and monitoring's dates about a write to an organisation's
/// draft (a save, a submission, a return, an acceptance).
pub fn note_write(
    state: &AppState,
    collection: uuid::Uuid,
    organisation: uuid::Uuid,
    write: DraftWriteKind,
    at: DateTime<Utc>,
) {
    crate::metrics::draft_written(write);
    state.draft_dates.note(collection, organisation, write, at);
}

/// Checks that the caller is an organisation, sees collection `id` and that it is
/// open; loads the pinned form.
pub async fn open_for_writing(
    state: &AppState,
    user: &Authenticated,
    id: uuid::Uuid,
) -> Result<Writing, ApiError> {
    let organisation_id = writing_organisation(user)?;
    let now = Utc::now();
    let collection = seen_collection(state, user, id, now).await?;
    require_open(&collection, now)?;
    let form = state
        .forms
        .get(&state.db, collection.form_version_id)
        .await?;
    let references = state
        .references
        .get(state, &form, &collection, organisation_id)
        .await?;
    Ok(Writing {
        collection,
        organisation_id,
        form,
        references,
        now,
    })
}

impl Writing {
    /// Every error of `data`: the form's checks and the unusual values not
    /// explained yet.
    pub fn errors(&self, data: &FormData) -> Vec<oko_domain::forms::CellError> {
        validate_with(&self.form, data, &self.references)
    }
}

impl Writing {
    /// The draft as it is now.
    pub async fn current(&self, state: &AppState) -> Result<Option<StoredDraft>, ApiError> {
        Ok(drafts::stored(&state.db, self.collection.id, self.organisation_id).await?)
    }

    /// Refuses a write while a coordinator's acceptance locks the draft.
    pub async fn refuse_if_locked(&self, state: &AppState) -> Result<(), ApiError> {
        let standing =
            drafts::standing(&state.db, self.collection.id, self.organisation_id).await?;
        refuse_if_accepted(standing.as_ref())
    }

    /// The draft as it is now, read on a connection held to write it back;
    /// refused once a coordinator accepted it (locked until it is returned).
    pub async fn open_draft(
        &self,
        state: &AppState,
    ) -> Result<(Held, Option<StoredDraft>), ApiError> {
        let mut held = state.drafts_db.acquire().await?;
        let current = self.read_on(&mut held).await?;
        refuse_if_accepted(current.as_ref().map(|d| &d.standing))?;
        Ok((held, current))
    }

    async fn read_on(&self, held: &mut Held) -> Result<Option<StoredDraft>, ApiError> {
        Ok(drafts::to_write(held, self.collection.id, self.organisation_id).await?)
    }

    /// 409 with the draft read again on `held`: a write found it changed.
    pub async fn conflict_on(&self, held: &mut Held) -> Result<HttpResponse, ApiError> {
        let current = self.read_on(held).await?;
        self.conflict(current)
    }

    /// 409 with the draft as it is now (`current`): someone saved first (or
    /// 403 when a coordinator accepted it meanwhile).
    pub fn conflict(&self, current: Option<StoredDraft>) -> Result<HttpResponse, ApiError> {
        refuse_if_accepted(current.as_ref().map(|d| &d.standing))?;
        let current = draft_of(
            &self.collection,
            self.organisation_id,
            &self.form,
            current,
            None,
            &self.references,
            self.now,
        );
        let code = ErrorCode::Conflict;
        Ok(HttpResponse::build(StatusCode::CONFLICT)
            .content_type("application/problem+json")
            .json(DraftConflict {
                kind: "about:blank".into(),
                title: code.title_ru().into(),
                status: code.http_status(),
                code,
                detail: format!(
                    "Черновик уже сохранен в другой вкладке или другим пользователем (версия {}): объедините изменения",
                    current.version
                ),
                current,
            }))
    }
}

/// A draft about to be written: the data, the draft it was made from (`None`:
/// there was none), the files that draft already held (checked then) and the
/// autosave batch (`None` for an upload).
pub struct NextDraft<'a> {
    pub over: Option<&'a StoredDraft>,
    pub data: FormData,
    pub known_files: std::collections::HashMap<uuid::Uuid, String>,
    pub change_id: Option<&'a str>,
}

/// 403 `form_accepted` for a draft whose submission a coordinator accepted:
/// nothing is saved, submitted or uploaded over it until it is returned.
fn refuse_if_accepted(draft: Option<&DraftStanding>) -> Result<(), ApiError> {
    match draft.and_then(|d| d.accepted.as_ref()) {
        Some(accepted) => Err(ApiError::new(ErrorCode::FormAccepted, accepted.locked_ru())),
        None => Ok(()),
    }
}

/// The organisation's progress.
pub fn progress_of(
    collection: &collection_entity::Model,
    draft: Option<&DraftStanding>,
    now: DateTime<Utc>,
) -> Progress {
    Progress::new(
        draft.map(|d| d.started_at),
        draft.map(|d| d.updated_at),
        draft.and_then(|d| d.last_submitted_at),
        collection.state(now),
        draft.and_then(|d| d.returned.clone()),
        draft.and_then(|d| d.accepted.clone()),
    )
}

/// The block as the API shows it.
pub fn view_of(
    collection: &collection_entity::Model,
    form: &FormDefinition,
    progress: Option<Progress>,
    now: DateTime<Utc>,
) -> CollectionView {
    let state = collection.state(now);
    CollectionView {
        id: collection.id,
        publication_id: collection.publication_id,
        form_version_id: collection.form_version_id,
        form_title: form.title.clone(),
        opens_at: collection.opens_at,
        closes_at: collection.closes_at,
        state,
        state_title: state.title_ru().to_owned(),
        state_override: collection.overridden_state(),
        window: oko_domain::collections::window_ru(collection.opens_at, collection.closes_at),
        reminder_hours: collection.reminder_hours(),
        acceptance_levels: collection.acceptance_levels(),
        progress,
    }
}

/// What prefills an organisation's draft: its passport, its place in the
/// roster and its earlier submission of the form.
pub struct OrgFacts {
    passport: oko_db::passports::Values,
    summary: oko_domain::api::OrgSummary,
    earlier: Option<FormData>,
}

impl PrefillFacts for OrgFacts {
    fn fact(&self, source: Prefill) -> String {
        match source {
            Prefill::Passport(field) => self.passport.get(field).to_owned(),
            Prefill::Roster(RosterFact::Login) => self.summary.login.clone(),
            Prefill::Roster(RosterFact::Region) => self.summary.region.name.clone(),
            Prefill::Roster(RosterFact::Municipality) => self.summary.municipality.name.clone(),
            Prefill::Earlier(_) => String::new(),
        }
    }

    fn earlier(&self) -> Option<&FormData> {
        self.earlier.as_ref()
    }
}

/// The organisation's facts when `needed` and `form` prefills columns from
/// them (nothing is read otherwise: most forms do not, and a saved draft has
/// them already).
pub async fn org_facts(
    state: &AppState,
    form: &FormDefinition,
    collection: &collection_entity::Model,
    organisation_id: uuid::Uuid,
    needed: bool,
) -> Result<Option<OrgFacts>, ApiError> {
    if !needed || !form.prefills() {
        return Ok(None);
    }
    let earlier = if form.prefills_from_earlier() {
        collections::earlier_submission(&state.db, collection, organisation_id).await?
    } else {
        None
    };
    let not_found = || ApiError::new(ErrorCode::NotFound, "Организация не найдена");
    let organisation = oko_db::orgs::find(&state.db, organisation_id)
        .await?
        .ok_or_else(not_found)?;
    let passport = oko_db::passports::values(&state.db, &organisation).await?;
    let summary = oko_db::orgs::summary(&state.db, organisation)
        .await?
        .ok_or_else(not_found)?;
    Ok(Some(OrgFacts {
        passport,
        summary,
        earlier,
    }))
}

/// The organisation's draft as it starts: the form's presets, and its
/// facts in the columns the form prefills.
pub fn blank_with(form: &FormDefinition, facts: Option<&OrgFacts>) -> FormData {
    let mut data = FormData::blank(form);
    if let Some(facts) = facts {
        data.prefill(form, facts, false);
    }
    data
}

/// What a reader of an organisation's draft gets: the organisation (the
/// caller's own, or `login` in the caller's scope), the form and the draft as
/// the organisation sees it (its blank draft while nothing is saved).
pub struct ReadDraft {
    pub organisation: organisation::Model,
    pub form: Arc<FormDefinition>,
    pub draft: Draft,
}

/// The draft of collection `id` for the caller (`whose`: the organisation a
/// coordinator or the operator names).
pub async fn read_draft(
    state: &AppState,
    user: &Authenticated,
    id: uuid::Uuid,
    whose: &OrganisationParam,
) -> Result<ReadDraft, ApiError> {
    let login = whose.organisation.as_deref();
    let now = Utc::now();
    let found = seen_collection(state, user, id, now).await?;
    let organisation = target_organisation(state, user, &found, login, now).await?;
    let form = state.forms.get(&state.db, found.form_version_id).await?;
    let stored = drafts::stored(&state.db, found.id, organisation.id).await?;
    let facts = org_facts(state, &form, &found, organisation.id, stored.is_none()).await?;
    let references = state
        .references
        .get(state, &form, &found, organisation.id)
        .await?;
    let draft = draft_of(
        &found,
        organisation.id,
        &form,
        stored,
        facts.as_ref(),
        &references,
        now,
    );
    Ok(ReadDraft {
        organisation,
        form,
        draft,
    })
}

/// The draft with its errors; without one, the blank draft (prefilled from
/// the organisation's `facts` where the form says).
pub fn draft_of(
    collection: &collection_entity::Model,
    organisation_id: uuid::Uuid,
    form: &FormDefinition,
    draft: Option<StoredDraft>,
    facts: Option<&OrgFacts>,
    references: &[Reference],
    now: DateTime<Utc>,
) -> Draft {
    let progress = progress_of(collection, draft.as_ref().map(|d| &d.standing), now);
    let version = draft.as_ref().map_or(0, |d| d.standing.version);
    let data = match draft {
        Some(stored) => stored.data,
        None => blank_with(form, facts),
    };
    Draft {
        collection_id: collection.id,
        organisation_id,
        version,
        errors: validate_with(form, &data, references),
        references: references.to_vec(),
        data,
        progress,
    }
}
