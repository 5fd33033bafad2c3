//! What the web table keeps in the store: one-time sign-in codes, so a code
//! made by `dungeon web link` in one process is good on the page another
//! process serves, and the web's generated cookie secret.

use super::{Pool, Store, StoreError, now_ms};

impl Store {
    /// Keeps a sign-in `code` for `player`, good until `expires_at_ms`
    /// (Unix ms); `false` if that code is taken (pick another).
    pub async fn add_web_code(
        &self,
        code: &str,
        player: &str,
        expires_at_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = on_pool!(self, |pool, _begin| {
            sqlx::query(
                "INSERT INTO web_codes (code, player, expires_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (code) DO NOTHING",
            )
            .bind(code)
            .bind(player)
            .bind(expires_at_ms)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Takes a sign-in code: the player it was made for if it is known and
    /// not expired. A code is good once: it is gone afterwards either way,
    /// and expired codes are swept.
    pub async fn take_web_code(&self, code: &str) -> Result<Option<String>, StoreError> {
        let now = now_ms();
        let row: Option<(String, i64)> = on_pool!(self, |pool, _begin| {
            sqlx::query("DELETE FROM web_codes WHERE expires_at < $1")
                .bind(now)
                .execute(pool)
                .await?;
            sqlx::query_as("DELETE FROM web_codes WHERE code = $1 RETURNING player, expires_at")
                .bind(code)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.and_then(|(player, expires)| (expires >= now).then_some(player)))
    }

    /// The web setting `name`, setting it to `make()` first if it has none
    /// (whoever sets it first wins, so every process reads the same value).
    pub async fn web_setting_or(
        &self,
        name: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String, StoreError> {
        let value = make();
        let row: (String,) = on_pool!(self, |pool, _begin| {
            sqlx::query(
                "INSERT INTO web_settings (name, value) VALUES ($1, $2) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(&value)
            .execute(pool)
            .await?;
            sqlx::query_as("SELECT value FROM web_settings WHERE name = $1")
                .bind(name)
                .fetch_one(pool)
                .await?
        });
        Ok(row.0)
    }
}
