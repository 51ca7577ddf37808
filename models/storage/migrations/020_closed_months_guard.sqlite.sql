-- 020 (SQLite): a closed month's rows are written once; nothing may update them.
CREATE TRIGGER closed_months_never_change BEFORE UPDATE ON closed_months BEGIN SELECT RAISE(ABORT, 'closed months never change'); END;
CREATE TRIGGER closed_month_documents_never_change BEFORE UPDATE ON closed_month_documents BEGIN SELECT RAISE(ABORT, 'closed months never change'); END;
CREATE TRIGGER closed_month_companies_never_change BEFORE UPDATE ON closed_month_companies BEGIN SELECT RAISE(ABORT, 'closed months never change'); END;
