//! The OpenAPI document: generated from the handlers' `#[utoipa::path]` attributes
//! through the same route table the server uses, so it cannot miss an endpoint.

use std::sync::OnceLock;

use actix_web::App;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
};
use utoipa_actix_web::AppExt;

use crate::routes;

/// Title, description, tags and security of the document; paths come from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Oko API",
        description = "API системы сбора данных ФИС ОКО. Ошибки — application/problem+json \
с машинным кодом `code` и пояснением `detail` на русском. Вход: POST /api/auth/login, \
затем заголовок `Authorization: Bearer <access_token>`; токен живёт 15 минут, \
обновляется через POST /api/auth/refresh. Время — UTC в ISO 8601; сроки задаются по Москве.",
        license(name = "Apache-2.0")
    ),
    tags(
        (name = "auth", description = "Вход, обновление сессии, выход, текущий пользователь"),
        (name = "orgs", description = "Дерево организаций в пределах прав пользователя"),
        (name = "publications", description = "Разделы и публикации «Обмена данными», избранное"),
        (name = "storages", description = "Файловые хранилища публикаций: файлы, скачивание, «Скачать всё.zip», отчет о скачивании. \
Для скачивания браузером без заголовка Authorization — ссылка с билетом (POST …/link)"),
        (name = "collections", description = "Сбор данных: формы и их версии, блок «Сбор данных» публикации, \
черновик организации (автосохранение по ячейкам с версией), «Сдать отчет», история сдачи"),
        (name = "monitoring", description = "Мониторинг сбора данных для координаторов и оператора: статистика по статусам, «Список участников», возврат на доработку — только в пределах своей территории"),
        (name = "jobs", description = "Фоновые задания: экспорт результатов и статусов (XLSX, CSV, JSON lines); создать — POST, опрашивать до status=ready, затем скачать файл"),
        (name = "notifications", description = "Уведомления: отчёт готов, возврат на доработку, открытие и закрытие сбора; непрочитанные, отметка о прочтении, поток событий для открытого приложения"),
        (name = "analytics", description = "«Аналитика»: оценочные процедуры (ВПР) и их работы со шкалами, результаты (электронный протокол или загрузка оператором), семь отчётов по отметкам, заданиям, баллам, группам, участникам, журнальным отметкам и планируемым результатам — для своей территории рядом с вышестоящими уровнями"),
        (name = "audit", description = "Журнал событий: входы и неудачные входы, пароли, блокировки, публикации и формы, сдача и возврат отчётов, экспорт — оператору весь, координаторам по своей территории"),
        (name = "forum", description = "«Техническая поддержка»: форумы по проектам — вопросы координаторов, ответы оператора, часто задаваемые вопросы, поиск по словоформам"),
        (name = "admin", description = "Администрирование (федеральный оператор): регионы, муниципалитеты, организации с учетными записями — по одной и загрузкой из Excel/CSV (все или ничего), закрытие организаций"),
        (name = "meta", description = "Описание API"),
    ),
    modifiers(&BearerSecurity)
)]
pub struct ApiDoc;

struct BearerSecurity;

impl Modify for BearerSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(Http::builder().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The complete document.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(utoipa_actix_web::scope("/api").configure(routes::configure))
        .service(crate::metrics::get_metrics)
        .split_for_parts();
    api
}

/// The document as pretty JSON with a trailing newline: what `api-spec/openapi.json`
/// holds and `GET /api/openapi.json` serves. Built once per process.
pub fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        let mut doc = serde_json::to_value(document()).expect("the OpenAPI document serialises");
        crate::openapi_errors::complete(&mut doc);
        let mut text = serde_json::to_string_pretty(&doc).expect("a JSON value serialises");
        text.push('\n');
        text
    })
}

/// The HTTP methods (upper case) the document lists for a concrete request path such
/// as `/api/orgs` or `/api/publications/5f0e…`; empty when no route matches. Lets
/// the server answer 405 with `Allow` instead of 404 for a wrong method.
pub fn methods_of(request_path: &str) -> Vec<String> {
    static ROUTES: OnceLock<Vec<(Vec<String>, Vec<String>)>> = OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        document()
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = template.split('/').map(str::to_owned).collect();
                let methods = [
                    ("GET", &item.get),
                    ("POST", &item.post),
                    ("PUT", &item.put),
                    ("PATCH", &item.patch),
                    ("DELETE", &item.delete),
                ]
                .into_iter()
                .filter(|(_, operation)| operation.is_some())
                .map(|(method, _)| method.to_owned())
                .collect();
                (segments, methods)
            })
            .collect()
    });
    let requested: Vec<&str> = request_path.split('/').collect();
    routes
        .iter()
        .find(|(segments, _)| {
            segments.len() == requested.len()
                && segments.iter().zip(&requested).all(|(template, actual)| {
                    template == actual || (template.starts_with('{') && !actual.is_empty())
                })
        })
        .map(|(_, methods)| methods.clone())
        .unwrap_or_default()
}
