// Package importjobs runs an import (issue 17): it reads a roll with
// internal/imports (the pure half), resolves each row's branch below the
// import's unit, looks up the members the row may mean, decides with
// imports.Decide, and in a real run applies the decisions through the
// members service in batches (members.Service.CreateBatch, UpdateBatch:
// one store call and one count per batch). It is a package of its own
// because internal/imports must stay pure (its deps test): this half
// builds on it, never the other way round.
//
// A row that gives only a birth year cannot create a member: the roll
// keeps whole dates (civil.Date), and storing 1 January of the year would
// put a made-up day on the roll and into every age figure. Such a row is
// an error saying a full date is needed; a row with a year alone that
// matches an existing member updates or leaves it as usual (the year
// changes no stored date).
package importjobs
