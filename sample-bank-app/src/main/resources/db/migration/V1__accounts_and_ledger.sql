-- One shard's accounts: account id lives on shard (id mod bank.shard-count).
CREATE TABLE accounts (
    id      bigint PRIMARY KEY,
    balance bigint NOT NULL CHECK (balance >= 0)  -- second line of defence; debits are conditional updates
);

-- Every debit and credit, written in the same branch (local transaction) as the balance change, so a
-- committed transfer has exactly its two rows and an aborted one none.
CREATE TABLE ledger (
    id          bigserial PRIMARY KEY,
    transfer_id uuid        NOT NULL,
    account_id  bigint      NOT NULL REFERENCES accounts (id),
    delta       bigint      NOT NULL CHECK (delta <> 0),
    tx_id       bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (transfer_id, account_id)  -- one leg per account per transfer: Idempotency-Key retries cannot repeat it
);
CREATE INDEX ledger_account_id ON ledger (account_id);

-- Which shard this database holds: an agent started with another index or count refuses to run on it.
CREATE TABLE bank_shard (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    shard_index int     NOT NULL,
    shard_count int     NOT NULL
);
