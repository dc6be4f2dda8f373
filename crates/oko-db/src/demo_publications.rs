//! The full demo's notice board: the seeds' sections and 2,000 publications with
//! mixed audiences, so that counters and lists are measured at country scale.

use chrono::{Duration, TimeZone, Utc};
use oko_domain::{markdown::to_safe_html, org::OrgKind, text::search_key};
use sea_orm::Set;
use uuid::Uuid;

use crate::{
    demo::Rng,
    entities::{publication, publication_audience, section},
};

/// Sections of the seeds, in tab order.
const SECTIONS: [&str; 5] = [
    "ВПР",
    "ВПР СПО",
    "ШНОР",
    "Техническая поддержка",
    "Дорожные карты",
];

/// Publication titles of the seeds; a number keeps each one apart.
const TITLES: [&str; 8] = [
    "Сбор данных об участниках ВПР СПО, обучающихся на 1 курсе",
    "Расписание проведения ВПР СПО в образовательных организациях",
    "Инструкция по работе в Личном кабинете ФИС ОКО",
    "План-график проведения ВПР",
    "Материалы для проведения ВПР",
    "Сбор контекстных данных ШНОР",
    "Дорожная карта по повышению качества образования",
    "Ответы на частые вопросы технической поддержки",
];

/// Publications in the full demo.
pub const PUBLICATIONS: usize = 2_000;

/// Rows to insert.
pub struct Board {
    pub sections: Vec<section::ActiveModel>,
    pub publications: Vec<publication::ActiveModel>,
    pub audience: Vec<publication_audience::ActiveModel>,
}

/// Builds the board for a country with these regions and organisations.
pub fn generate(regions: &[Uuid], organisations: &[Uuid]) -> Board {
    let mut rng = Rng(0x5EC7_2026);
    let now = Utc::now();
    let sections: Vec<section::ActiveModel> = SECTIONS
        .iter()
        .enumerate()
        .map(|(i, title)| section::ActiveModel {
            id: Set(rng.uuid()),
            title: Set((*title).to_owned()),
            position: Set(i as i32 + 1),
            created_at: Set(now),
        })
        .collect();
    let section_ids: Vec<Uuid> = sections.iter().map(|s| *s.id.as_ref()).collect();
    let first_day = Utc
        .with_ymd_and_hms(2021, 8, 30, 17, 41, 0)
        .single()
        .expect("a valid date");
    let body = to_safe_html("Подробности — в прикреплённых файлах. Вопросы: helpfisoko@fioco.ru");
    let mut board = Board {
        sections,
        publications: Vec::new(),
        audience: Vec::new(),
    };
    for n in 0..PUBLICATIONS {
        let id = rng.uuid();
        let title = format!("{} № {}", TITLES[n % TITLES.len()], n + 1);
        let published_on = first_day + Duration::hours(n as i64 * 12);
        let audience_kind = rng.below(10);
        board.publications.push(publication::ActiveModel {
            id: Set(id),
            section_id: Set(section_ids[rng.below(section_ids.len() as u64) as usize]),
            title_search: Set(search_key(&title)),
            title: Set(title),
            body_markdown: Set(String::new()),
            body_html: Set(body.clone()),
            published_on: Set(published_on),
            visible_from: Set(published_on),
            is_news: Set(rng.below(20) == 0),
            for_everyone: Set(audience_kind < 4),
            created_at: Set(now),
            updated_at: Set(now),
        });
        let mut target = |kind: Option<OrgKind>, region: Option<Uuid>, org: Option<Uuid>| {
            board.audience.push(publication_audience::ActiveModel {
                id: Set(rng.uuid()),
                publication_id: Set(id),
                org_kind: Set(kind.map(|k| k.as_str().to_owned())),
                region_id: Set(region),
                organisation_id: Set(org),
            });
        };
        match audience_kind {
            0..=3 => {}
            4 | 5 => target(Some(OrgKind::College), None, None),
            6 | 7 => target(None, Some(regions[(n * 7) % regions.len()]), None),
            _ => {
                for k in 0..3 {
                    target(
                        None,
                        None,
                        Some(organisations[(n * 31 + k * 977) % organisations.len()]),
                    );
                }
            }
        }
    }
    board
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_has_every_section_and_mixed_audiences_within_the_country() {
        let regions: Vec<Uuid> = (0..89).map(|_| Uuid::new_v4()).collect();
        let organisations: Vec<Uuid> = (0..1000).map(|_| Uuid::new_v4()).collect();
        let board = generate(&regions, &organisations);
        assert_eq!(board.sections.len(), SECTIONS.len());
        assert_eq!(board.publications.len(), PUBLICATIONS);
        let for_everyone = board
            .publications
            .iter()
            .filter(|p| *p.for_everyone.as_ref())
            .count();
        assert!((600..1000).contains(&for_everyone), "{for_everyone}");
        for target in &board.audience {
            let points_inside = target
                .region_id
                .as_ref()
                .is_some_and(|r| regions.contains(&r))
                || target
                    .organisation_id
                    .as_ref()
                    .is_some_and(|o| organisations.contains(&o))
                || target.org_kind.as_ref().is_some();
            assert!(points_inside);
        }
        let sections: Vec<Uuid> = board.sections.iter().map(|s| *s.id.as_ref()).collect();
        assert!(
            board
                .publications
                .iter()
                .all(|p| sections.contains(p.section_id.as_ref()))
        );
    }
}
