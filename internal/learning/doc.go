// Package learning is the domain of learning-model recognitions (mô hình
// học tập): learning families, clans, communities and units proposed,
// assessed on a set of criteria, and recognised or refused, year by year.
// It is pure: no store, no HTTP, no clock.
//
// # Files
//
//   - catalogue.go, catalogue/*.yaml: the kinds of model and their criteria
//     sets, as data (Default is the Vietnam Study Promotion Association's:
//     Programme 387 for families, clans and communities, Circular
//     22/2020/TT-BGDĐT for units; Load reads another association's).
//   - recognition.go: the record and its statuses.
//   - propose.go: a new proposal, and the renewal for the next year.
//   - transitions.go: assess, attach evidence, recognise, refuse; what
//     keeps a proposal from recognition (Missing).
//   - store.go: what a store must do for the adapters that follow.
//   - contribution.go: what a unit's own records add to its tally.
package learning
