package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"parkd/internal/billing"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// The tariff page: the lot's tariff document, edited in place; every
// change is checked by the same parser the API uses (billing), with its
// message beside the field, and can be priced on an imagined stay before
// it is saved.
func tariffSection() section {
	return section{key: "tariff", lotPath: "tariff", routes: []route{
		{"GET " + Prefix + "lots/{lot}/tariff", (*Console).tariffPage},
		{"POST " + Prefix + "lots/{lot}/tariff", (*Console).tariffPost},
	}}
}

// dateTimeLocal is the value format of <input type="datetime-local">.
const dateTimeLocal = "2006-01-02T15:04"

type tariffData struct {
	Lot     *park.Lot
	Doc     string
	Entry   string
	Exit    string
	Class   string
	Classes []string
	CanSave bool
	// The outcome of the form: an error in place (Field names it), a
	// preview, or a saved version.
	Err     *park.Error
	Refusal pageError // Err in the operator's language
	Preview *billing.PreviewResult
	// The previewed stay's entry and exit, written as every time is.
	PreviewEntry, PreviewExit time.Time
	Saved                     bool
	Loc                       *time.Location
	Free                      bool // the lot has no tariff: parking is free
}

func (w *Console) tariffPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	d := w.tariffForm(l, p)
	d.Doc = prettyJSON(l.Tariff)
	d.Saved = r.URL.Query().Get("saved") != ""
	w.render(rw, r, http.StatusOK, "tariff", p, "overview", d)
	return nil
}

// tariffForm is the page's defaults: a car from 18:00 today to 09:00
// tomorrow, the lot's local time, priced for a small car.
func (w *Console) tariffForm(l *park.Lot, p *operators.Principal) tariffData {
	loc := l.Location()
	now := w.now().In(loc)
	from := time.Date(now.Year(), now.Month(), now.Day(), 18, 0, 0, 0, loc)
	to := time.Date(now.Year(), now.Month(), now.Day()+1, 9, 0, 0, 0, loc) // not 15 h later: a clock change may fall between
	return tariffData{Lot: l, Loc: loc, Entry: from.Format(dateTimeLocal), Exit: to.Format(dateTimeLocal),
		Class: park.ClassSmall, Classes: []string{park.ClassSmall, park.ClassLarge, park.ClassNewEnergy, park.ClassMotorcycle},
		CanSave: p.MayChange(l.Code), Free: len(l.Tariff) == 0}
}

// lineColumn is where the last of doc's first offset bytes is (the one
// a JSON scan stopped at), as an editor counts: line and character from 1.
func lineColumn(doc string, offset int64) (line, col int) {
	before := doc[:min(int(offset), len(doc))]
	line = strings.Count(before, "\n") + 1
	return line, utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:])
}

func prettyJSON(doc []byte) string {
	if len(doc) == 0 {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, doc, "", "  "); err != nil {
		return string(doc)
	}
	return buf.String()
}

func (w *Console) tariffPost(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	d := w.tariffForm(l, p)
	d.Doc = r.PostFormValue("tariff")
	d.Entry, d.Exit, d.Class = r.PostFormValue("entry"), r.PostFormValue("exit"), r.PostFormValue("vehicle_class")
	status := http.StatusOK
	fail := func(err error) error {
		var pe *park.Error
		var bt *badTime
		switch {
		case errors.As(err, &bt):
			pe = &park.Error{Code: park.EInvalid, Field: bt.field, Message: fmt.Sprintf("%q is not a date and time", bt.value)}
		case !errors.As(err, &pe) || pe.Code != park.EInvalid:
			return err
		}
		d.Err, d.Refusal, status = pe, describe(p.Language, err), http.StatusUnprocessableEntity
		if pe.Offset > 0 && d.Refusal.Hint != "" {
			line, col := lineColumn(d.Doc, pe.Offset)
			d.Refusal.Hint = fmt.Sprintf(translate(p.Language, "hint_at"), d.Refusal.Hint, line, col)
		}
		return nil
	}
	switch r.PostFormValue("action") {
	case "save":
		if err := mayChange(p, l.Code); err != nil {
			return err
		}
		if _, err := billing.CanonicalTariff(&park.Lot{Tariff: []byte(d.Doc)}); err != nil {
			if err := fail(err); err != nil {
				return err
			}
			break
		}
		_, err := w.sys.Gate.SetTariff(r.Context(), l.Code, []byte(strings.TrimSpace(d.Doc)))
		if err != nil {
			if err := fail(err); err != nil {
				return err
			}
			break
		}
		http.Redirect(rw, r, Prefix+"lots/"+l.Code+"/tariff?saved=1", http.StatusSeeOther)
		return nil
	default: // preview: a read, allowed to every role that sees the lot
		entry, err1 := park.ParseWallTime(dateTimeLocal, d.Entry, d.Loc)
		exit, err2 := park.ParseWallTime(dateTimeLocal, d.Exit, d.Loc)
		switch {
		case err1 != nil:
			err = &badTime{field: "entry", value: d.Entry}
		case err2 != nil:
			err = &badTime{field: "exit", value: d.Exit}
		default:
			var res billing.PreviewResult
			res, err = billing.PreviewTariff(billing.Preview{Tariff: []byte(d.Doc), TimeZone: l.TimeZone, Currency: l.Currency, Entry: entry.UTC(),
				Exit: exit.UTC(), VehicleClass: d.Class})
			if err == nil {
				d.Preview, d.PreviewEntry, d.PreviewExit = &res, entry, exit
			}
		}
		if err != nil {
			if err := fail(err); err != nil {
				return err
			}
		}
	}
	w.render(rw, r, status, "tariff", p, "overview", d)
	return nil
}
