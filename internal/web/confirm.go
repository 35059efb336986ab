package web

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"parkd/internal/operators"
)

// confirmData is a question asked before a change that cannot be taken
// back with a click (a removal, ending sessions, a barrier lifted, a
// report sent again): a page of its own whose form posts the change, so
// asking needs no script. Action is the change's own address, which
// asking only reads, or which, asked by a form's post, acts only on a
// post carrying confirmedField.
type confirmData struct {
	Question string // already in the operator's language
	Button   string // the word of the button that confirms
	Action   string
	Back     string // where Cancel leads
	// Fields are the asking form's values, posted again with the answer.
	Fields []confirmField
}

type confirmField struct{ Name, Value string }

// confirmedField marks the post of a question's answer: a form whose
// change asks first acts only on a post carrying it.
const confirmedField = "confirmed"

// confirm shows the question of key (a word whose %s are args) with
// the asking form's values fields (nil: none) to post again.
func (w *Console) confirm(rw http.ResponseWriter, r *http.Request, p *operators.Principal, active, key, button, action, back string,
	fields url.Values, args ...any) {
	d := confirmData{Question: fmt.Sprintf(translate(p.Language, key), args...), Button: button, Action: action, Back: back}
	if fields != nil {
		for _, name := range slices.Sorted(maps.Keys(fields)) {
			if name == "csrf" || name == confirmedField {
				continue
			}
			for _, v := range fields[name] {
				d.Fields = append(d.Fields, confirmField{name, v})
			}
		}
		d.Fields = append(d.Fields, confirmField{confirmedField, "1"})
	}
	w.render(rw, r, http.StatusOK, "confirm", p, active, d)
}

// askFirst shows the question of a form's post that has not been
// answered yet, and says whether it did: the handler then changes
// nothing.
func (w *Console) askFirst(rw http.ResponseWriter, r *http.Request, p *operators.Principal, active, key, button, back string,
	args ...any) bool {
	if r.PostFormValue(confirmedField) != "" {
		return false
	}
	w.confirm(rw, r, p, active, key, button, r.URL.Path, back, r.PostForm, args...)
	return true
}
