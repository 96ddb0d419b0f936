//! A tiny builder for hand-written SQL with `$n` placeholders (which both PostgreSQL and SQLite
//! accept through sqlx), used on the hot paths where SeaORM's query builder is not needed.

use sea_orm::{ConnectionTrait, Statement, Value};

/// SQL text and its bound values.
#[derive(Debug, Default, Clone)]
pub struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    /// Starts with a fragment that binds nothing.
    pub fn new(text: &str) -> Self {
        Sql {
            text: text.to_string(),
            values: Vec::new(),
        }
    }

    /// Appends text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Binds a value and appends its placeholder.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        let n = self.values.len();
        self.text.push('$');
        self.text.push_str(&n.to_string());
        self
    }

    /// Binds a value whose placeholder the text already holds (e.g. a `$1` written into the
    /// first fragment and used twice).
    pub fn bind_placeholder_value(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        self
    }

    /// Appends `(… , …)` with one placeholder per value.
    pub fn bind_list<V: Into<Value>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
        self.text.push('(');
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(v);
        }
        self.text.push(')');
        self
    }

    /// The text so far (for EXPLAIN and tests).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The bound values.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// A statement for `db`'s dialect.
    pub fn statement(&self, db: &impl ConnectionTrait) -> Statement {
        Statement::from_sql_and_values(
            db.get_database_backend(),
            self.text.clone(),
            self.values.clone(),
        )
    }
}
