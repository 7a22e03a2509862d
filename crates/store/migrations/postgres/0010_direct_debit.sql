-- SEPA direct debit (ePayment issue): the mandate a citizen gave in the application
-- (debtor IBAN and name; the mandate reference is the application's reference, its date
-- the submission day) and when the collection went into a pain.008 file for the bank.
ALTER TABLE payments ADD COLUMN debtor_iban TEXT;
ALTER TABLE payments ADD COLUMN debtor_name TEXT;
ALTER TABLE payments ADD COLUMN mandate_date TEXT;
ALTER TABLE payments ADD COLUMN exported_at BIGINT;
