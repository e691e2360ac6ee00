// Package imports is the pure half of importing and exporting member rolls:
// files in and out, rows to member fields, and the decision for each row.
// It uses no service, no store and no HTTP, so the job that runs an import
// (and its dry run, its undo and the CLI) is wired onto it from outside.
//
// Reading, streamed (memory stays bounded whatever the file's size):
//
//	src, err := imports.Open(r, imports.OpenOptions{Sheet: "..."})      // CSV, XLSX or NDJSON, sniffed
//	tab, err := imports.NewTable(src, mapping, today)                    // finds the header row, maps columns
//	for { p, err := tab.Next(); if err == io.EOF { break } ... }          // one Parsed row at a time
//
// tab.Encoding() says which text encoding was assumed (a CSV from Excel on
// Vietnamese Windows is Windows-1258), tab.Unknown() lists the columns that
// were ignored, once.
//
// Deciding, pure: the caller resolves p.Branch (a code, a name or an id)
// to a branch and looks up the candidates p.Lookups() names (same national
// ID anywhere, same member number or same name in the branch, same name
// elsewhere in the unit), then Decide says create, update (fields from →
// to), unchanged, question (the candidates, never a guess) or error. A
// question answered (Answer) decides accordingly.
//
// Writing, streamed: WriteCSV and WriteXLSX export a roll (the caller gives
// the members in the official order) so that reading the file back gives
// the same fields; WriteTemplate writes an empty roll with drop-downs;
// NewReport writes the per-row report with the original columns plus the
// decision, so that a secretary fixes errors in the file she knows.
package imports
