package sqlite

// membersRollIndex replaces members_path_sort (path, sort_key) with an
// index that also holds every column a list shows (all but stints, which
// lists leave out: members.Query.Brief), so that a branch's or a commune's
// page is read from the index alone.
//
// Why: members are stored in the order they were added, so the fifty
// members of a branch's page lie on some forty different pages of the
// table (measured on the load test's 1 M province: 38-40 of 50), each
// read from the OS cache (pread) because a reader's page cache holds a
// small part of a table of 550 MB. In the index they lie side by side,
// on three or four pages. Measured with issue 15's load test, 10 %
// writes, alternating 30 s runs: 1,503 and 1,622 requests per CPU second
// against 1,473 and 1,422, branch pages' p50 14.1 and 13.1 ms against
// 15.1 and 15.6 ms. The cost is some 500 MB on a million members; a
// member's write changes one entry of it, as it did of the index it
// replaces (every update sets path and sort_key).
const membersRollIndex = `
CREATE INDEX members_roll ON members(path, sort_key, id, branch_id, full_name, gender, birth_date, national_id,
	phone, address, joined_on, member_no, status, left_on, leave_reason, version, created_at, updated_at);
DROP INDEX members_path_sort;
`
