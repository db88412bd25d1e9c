-- 0002: the ledger of a street in filing-number order straight from an index. Without it the planner,
-- working from statistics that lag a fast-growing table, picked a bitmap scan of the whole street and
-- a sort for every page of an export (127 ms a page at 37,000 filings, growing with the table).
CREATE INDEX filings_street_filing_no ON filings (street, filing_no);
