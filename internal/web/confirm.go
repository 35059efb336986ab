package web

import (
	"fmt"
	"net/http"

	"parkd/internal/operators"
)

// confirmData is a question asked before a change that cannot be taken
// back with a click (a removal, ending sessions): a page of its own whose
// form posts the change, so asking needs no script. Action is the
// change's own address, which asking only reads.
type confirmData struct {
	Question string // already in the operator's language
	Button   string // the word of the button that confirms
	Action   string
	Back     string // where Cancel leads
}

// confirm shows the question of key (a word with one %s, what is
// changed) about what.
func (w *Console) confirm(rw http.ResponseWriter, r *http.Request, p *operators.Principal, active, key, what, button, action, back string) {
	w.render(rw, r, http.StatusOK, "confirm", p, active, confirmData{Question: fmt.Sprintf(translate(p.Language, key), what),
		Button: button, Action: action, Back: back})
}
