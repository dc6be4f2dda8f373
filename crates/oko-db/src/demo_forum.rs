//! Generated forum questions for the search benchmark (`oko seed-forum`):
//! deterministic texts about the things people ask about — templates, files,
//! protocols, passwords — in varied word forms, each with an answer.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use uuid::Uuid;

use crate::demo::Rng;

const THINGS: [&str; 10] = [
    "шаблона",
    "файла",
    "протокола",
    "пароля",
    "формы",
    "отчета",
    "архива",
    "логина",
    "расписания",
    "результатов",
];
const ACTIONS: [&str; 8] = [
    "загрузить",
    "скачать",
    "заполнить",
    "отправить",
    "открыть",
    "сохранить",
    "изменить",
    "проверить",
];
const TROUBLES: [&str; 6] = [
    "появляется ошибка",
    "ничего не происходит",
    "страница не открывается",
    "долго грузится",
    "пишет, что доступ запрещен",
    "файл пустой",
];
const ANSWERS: [&str; 5] = [
    "Обновите страницу и повторите загрузку.",
    "Проверьте, что файл сохранен в формате xlsx.",
    "Обратитесь к региональному координатору за новым паролем.",
    "Ошибка исправлена, попробуйте еще раз.",
    "Срок сдачи продлен до конца недели.",
];

/// `count` questions in the three forums, each answered.
pub async fn seed(
    db: &DatabaseConnection,
    count: u64,
    author_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut rng = Rng(0xF0_2026);
    let forums = ["vpr-spo", "vpr", "niko"];
    let mut batch = Vec::with_capacity(1000);
    for n in 0..count {
        let pick =
            |rng: &mut Rng, list: &[&'static str]| list[rng.below(list.len() as u64) as usize];
        let thing = pick(&mut rng, &THINGS);
        let action = pick(&mut rng, &ACTIONS);
        let trouble = pick(&mut rng, &TROUBLES);
        let title = format!("Не получается {action} {thing} (вопрос {n})");
        let body = format!(
            "Когда пытаемся {action} копию {thing}, {trouble}. Логин sch{:06}.",
            n % 999_999
        );
        let reply = pick(&mut rng, &ANSWERS).to_owned();
        batch.push((forums[(n % 3) as usize].to_owned(), title, body, reply));
        if batch.len() == 1000 {
            crate::forum::seed(db, &batch, author_id, now).await?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        crate::forum::seed(db, &batch, author_id, now).await?;
    }
    // Fresh statistics, as autovacuum would gather them after a bulk load.
    use sea_orm::ConnectionTrait;
    db.execute_unprepared("ANALYZE").await?;
    Ok(())
}
