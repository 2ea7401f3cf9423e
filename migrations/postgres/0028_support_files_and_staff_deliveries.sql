-- SUP-1: a file whose bytes are in the files directory names them there by
-- their SHA-256 (hex); NULL keeps them in support_file_bytes, as before.
ALTER TABLE support_files ADD COLUMN stored_as TEXT;

-- ACC-4: a delivery goes to a client's user (with its inbox entry) or to a
-- staff user (a new ticket of its department), who has no inbox: such a
-- delivery keeps the language and data it renders from.
ALTER TABLE notification_deliveries ALTER COLUMN inbox_id DROP NOT NULL;
ALTER TABLE notification_deliveries ALTER COLUMN client_user_id DROP NOT NULL;
ALTER TABLE notification_deliveries ADD COLUMN staff_user_id BIGINT REFERENCES staff_users(id);
ALTER TABLE notification_deliveries ADD COLUMN locale TEXT;
ALTER TABLE notification_deliveries ADD COLUMN data TEXT;
ALTER TABLE notification_deliveries ADD CONSTRAINT notification_deliveries_staff_key UNIQUE (outbox_id, staff_user_id, channel);
ALTER TABLE notification_deliveries ADD CONSTRAINT notification_deliveries_recipient CHECK (
    (client_user_id IS NOT NULL AND inbox_id IS NOT NULL AND staff_user_id IS NULL)
    OR (client_user_id IS NULL AND inbox_id IS NULL AND staff_user_id IS NOT NULL
        AND locale IS NOT NULL AND data IS NOT NULL));
