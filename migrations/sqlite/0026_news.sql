-- NTF-1, ACC-7: news the provider publishes, to every client or to a list
-- of them; shown on the clients' dashboards and sent as a news
-- notification to the users who keep news on.
CREATE TABLE news (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    for_all      BOOLEAN NOT NULL,
    published_at TEXT NOT NULL
);
CREATE INDEX news_published ON news (published_at);

CREATE TABLE news_clients (
    news_id   BIGINT NOT NULL REFERENCES news (id) ON DELETE CASCADE,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    PRIMARY KEY (news_id, client_id)
);
CREATE INDEX news_clients_client ON news_clients (client_id);
