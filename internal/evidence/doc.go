// Package evidence is the rules of the evidence files shown for a learning
// model's criteria (photos, scanned PDFs, spreadsheets), pure: no store, no
// HTTP. A file is named by its content (the SHA-256 of its bytes, computed
// as they stream past: Intake, Hasher), so the same photo uploaded twice is
// stored once; its type is decided by its bytes, never by its name or the
// client's Content-Type (Policy.Check: a ".pdf" holding PNG bytes is
// refused); its size is capped while it streams (Policy.MaxSize, 20 MB by
// default), so an oversized upload is refused without being read whole.
//
// The flow an adapter follows (store.go says what a store must do):
//
//  1. Stream the upload through p.NewIntake into a spool (a temporary file
//     the adapter owns): the hash, the size and the first bytes are known
//     at EOF, and more than p.MaxSize is errs.PayloadTooLarge.
//  2. p.Check(name, intake.Head(), spool, size): the type by content.
//  3. Store.PutFile(file, spool): written once per hash, then
//     Store.LinkFile to the recognition. Downloads stream Store.OpenFile,
//     wrapped in Verifying so that a damaged blob is an error, not a file.
package evidence
