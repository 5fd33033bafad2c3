//! Who is in a running adventure, and at which table: a character (its
//! player and its name) can be in one running adventure at a time, across
//! every table and every process that shares the store.

use super::{Pool, Store, StoreError};

/// A character in an adventure: its player's id and its name in lowercase.
pub type Adventurer = (String, String);

impl Store {
    /// Claims `joining` for the adventure at `table_id`. If one of them is
    /// in a running adventure at another table, nothing is claimed and
    /// that one comes back with the other table's id.
    pub async fn claim_adventurers(
        &self,
        table_id: &str,
        joining: &[Adventurer],
    ) -> Result<Option<(Adventurer, String)>, StoreError> {
        let mut claimed: Vec<&Adventurer> = Vec::new();
        for who in joining {
            let (player, character) = who;
            let (done, holder): (u64, Option<(String,)>) = on_pool!(self, |pool, _begin| {
                let done = sqlx::query(
                    "INSERT INTO adventurers (player, character, table_id) VALUES ($1, $2, $3) \
                     ON CONFLICT (player, character) DO NOTHING",
                )
                .bind(player)
                .bind(character)
                .bind(table_id)
                .execute(pool)
                .await?
                .rows_affected();
                let holder = sqlx::query_as(
                    "SELECT table_id FROM adventurers WHERE player = $1 AND character = $2",
                )
                .bind(player)
                .bind(character)
                .fetch_optional(pool)
                .await?;
                (done, holder)
            });
            if done == 1 {
                claimed.push(who);
                continue;
            }
            if let Some((other,)) = holder
                && other != table_id
            {
                // Give back what this call took: all or nothing.
                for (p, c) in claimed {
                    self.drop_adventurer(table_id, p, c).await?;
                }
                return Ok(Some((who.clone(), other)));
            }
        }
        Ok(None)
    }

    /// Keeps only `keep` as the adventurers at `table_id` (the others left,
    /// or the adventure ended).
    pub async fn keep_adventurers(
        &self,
        table_id: &str,
        keep: &[Adventurer],
    ) -> Result<(), StoreError> {
        let held: Vec<(String, String)> = on_pool!(self, |pool, _begin| {
            sqlx::query_as("SELECT player, character FROM adventurers WHERE table_id = $1")
                .bind(table_id)
                .fetch_all(pool)
                .await?
        });
        for (p, c) in held {
            if !keep.iter().any(|(kp, kc)| *kp == p && *kc == c) {
                self.drop_adventurer(table_id, &p, &c).await?;
            }
        }
        Ok(())
    }

    /// The table whose running adventure holds this character, if any.
    pub async fn adventure_of(
        &self,
        player: &str,
        character: &str,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = on_pool!(self, |pool, _begin| {
            sqlx::query_as("SELECT table_id FROM adventurers WHERE player = $1 AND character = $2")
                .bind(player)
                .bind(character)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(|(t,)| t))
    }

    async fn drop_adventurer(
        &self,
        table_id: &str,
        player: &str,
        character: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, |pool, _begin| {
            sqlx::query(
                "DELETE FROM adventurers WHERE player = $1 AND character = $2 AND table_id = $3",
            )
            .bind(player)
            .bind(character)
            .bind(table_id)
            .execute(pool)
            .await?;
        });
        Ok(())
    }
}
