//! The operator's administration: a region, a municipality, an organisation with
//! its account, a spreadsheet of organisations (all or nothing, problems at their
//! rows), and closing an organisation.

use crate::support::{Backend, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(the_operator_builds_the_tree_and_closes_an_organisation);

async fn the_operator_builds_the_tree_and_closes_an_organisation(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let coordinator = app.token("spo_coord_24").await;
    for (token, refused) in [
        (&coordinator, StatusCode::FORBIDDEN),
        (&admin, StatusCode::CONFLICT),
    ] {
        let region = json!({"code": "24", "name": "Красноярский край"});
        let (status, _) = app.post("/api/admin/regions", token, region).await;
        assert_eq!(status, refused, "a coordinator; a code that is taken");
    }
    let (status, region) = app
        .post(
            "/api/admin/regions",
            &admin,
            json!({"code": "95", "name": "Чеченская Республика"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{region}");
    assert_eq!(region["coordinator"]["login"], "spo_coord_95");
    let (status, municipality) = app
        .post(
            "/api/admin/municipalities",
            &admin,
            json!({"region_code": "95", "code": 1, "name": "г. Грозный"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(municipality["coordinator"]["login"], "mun95001");
    // Regions from a file: a code that exists refuses the whole file.
    let (status, problem) = app
        .post_file(
            &admin,
            "/api/admin/regions/import",
            "Код региона;Название\r\n96;Новый край\r\n24;Повтор\r\n",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["row"], 3);
    // «00» has the shape of a code but is no region's: it used to make a
    // region whose coordinator had an empty login.
    for file in [
        "Код региона;Название\r\n96;Новый край\r\n00;Нулевой\r\n",
        "Код региона;Номер;Название\r\n00;1;Нигде\r\n",
    ] {
        let path = match file.contains("Номер") {
            true => "/api/admin/municipalities/import",
            false => "/api/admin/regions/import",
        };
        let (status, problem) = app.post_file(&admin, path, file).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let error = &problem["errors"][0];
        assert_eq!(
            (&error["row"], &error["column"], &error["code"]),
            (
                &json!(file.matches("\r\n").count()),
                &json!("Код региона"),
                &json!("invalid_code")
            ),
            "{problem}"
        );
    }
    let (status, problem) = app
        .post(
            "/api/admin/regions",
            &admin,
            json!({"code": "00", "name": "Нулевой"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (status, regions) = app
        .post_file(
            &admin,
            "/api/admin/regions/import",
            "Код региона;Название\r\n96;Новый край\r\n",
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{regions}");
    assert_eq!(regions["credentials"][0]["login"], "spo_coord_96");

    // Municipalities from a file: all or nothing, problems at their rows.
    let path = "/api/admin/municipalities/import";
    let header = "Код региона;Номер;Название\r\n";
    let (status, problem) = app
        .post_file(
            &admin,
            path,
            &format!("{header}95;2;Аргун\r\n98;1;Нигде\r\n24;1;Повтор\r\n"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let places: Vec<(u64, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(places, [(3, "unknown_region"), (4, "taken")]);
    let (status, imported) = app
        .post_file(&admin, path, &format!("{header}95;2;Аргун\r\n"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{imported}");
    assert_eq!(imported["credentials"][0]["login"], "mun95002");
    let (status, _) = app
        .login(
            "mun95002",
            imported["credentials"][0]["password"].as_str().unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // The new coordinators log in with their issued passwords.
    for created in [&region, &municipality] {
        let (status, _) = app
            .login(
                created["coordinator"]["login"].as_str().unwrap(),
                created["coordinator"]["password"].as_str().unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{created}");
    }

    let (status, created) = app
        .post("/api/admin/organisations", &admin, json!({"login": "sch950001", "name": "Средняя школа № 1 г. Грозного", "short_name": "СШ № 1", "municipality": 1}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let password = created["credentials"][0]["password"].as_str().unwrap();
    let (status, _) = app.login("sch950001", password).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the new account logs in with the issued password"
    );

    // A file with problems creates nothing; each problem names its row and column.
    let header = "Логин;Полное наименование;Краткое наименование;Номер муниципалитета\r\n";
    let bad = format!(
        "{header}sch950002;Школа 2;СШ № 2;1\r\nsch950001;Школа 1 еще раз;СШ № 1;1\r\nsch950003;Школа 3;СШ № 3;7\r\nmun95001;Не школа;Н;1\r\n"
    );
    let (status, problem) = app
        .post_file(&admin, "/api/admin/organisations/import", &bad)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let places: Vec<(u64, &str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap(),
                e["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [(5, "Логин", "invalid_login")],
        "cell problems come first"
    );
    // A title line and blank lines count: rows are named as the file numbers them.
    let bad = format!(
        "Список организаций на 2026 год\r\n\r\n{header}sch950002;Школа 2;СШ № 2;1\r\n\r\nsch950001;Школа 1 еще раз;СШ № 1;1\r\nsch950003;Школа 3;СШ № 3;7\r\n"
    );
    let (status, problem) = app
        .post_file(&admin, "/api/admin/organisations/import", &bad)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let places: Vec<(u64, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        places,
        [(6, "login_taken"), (7, "unknown_municipality")],
        "{problem}"
    );
    let (_, orgs) = app.get("/api/orgs?search=sch95", &admin).await;
    assert_eq!(orgs["total"], 1, "nothing of the bad file was created");

    let good =
        format!("{header}sch950002;Школа 2;СШ № 2;1\r\nspo950001;Колледж 1;ГБПОУ К № 1;1\r\n");
    let (status, done) = app
        .post_file(&admin, "/api/admin/organisations/import", &good)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    assert_eq!(done["created"], 2);
    let (_, orgs) = app.get("/api/orgs?search=95000", &admin).await;
    assert_eq!(orgs["total"], 3);

    // Closing: out of lists, its account blocked.
    let (status, _) = app
        .post("/api/admin/organisations/sch950001/close", &admin, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, orgs) = app.get("/api/orgs?search=95000", &admin).await;
    assert_eq!(orgs["total"], 2);
    let (status, _) = app.login("sch950001", password).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .post("/api/admin/organisations/sch950001/close", &admin, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
