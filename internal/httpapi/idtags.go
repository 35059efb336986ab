package httpapi

import (
	"net/http"
	"time"

	"parkd/internal/charging"
	"parkd/internal/core"
	"parkd/internal/park"
)

// idTagRoutes mounts a lot's registered id tags (RFID cards) for its
// chargers.
func (s *Server) idTagRoutes() {
	s.admin("POST /v1/lots/{code}/id-tags", s.createIDTag)
	s.admin("GET /v1/lots/{code}/id-tags", s.listIDTags)
	s.admin("GET /v1/lots/{code}/id-tags/{tag}", s.getIDTag)
	s.admin("PUT /v1/lots/{code}/id-tags/{tag}", s.putIDTag)
	s.admin("DELETE /v1/lots/{code}/id-tags/{tag}", s.deleteIDTag)
}

type idTagInput struct {
	Tag       string  `json:"tag"`
	Plate     string  `json:"plate"`
	Note      string  `json:"note"`
	Blocked   bool    `json:"blocked"`
	ExpiresAt *string `json:"expires_at"`
}

// idTagBody is what PUT replaces: all but the tag, which the path names.
type idTagBody struct {
	Plate     string  `json:"plate"`
	Note      string  `json:"note"`
	Blocked   bool    `json:"blocked"`
	ExpiresAt *string `json:"expires_at"`
}

func (b idTagBody) core(tag string) (charging.IDTagInput, error) {
	in := charging.IDTagInput{Tag: tag, Plate: b.Plate, Note: b.Note, Blocked: b.Blocked}
	if b.ExpiresAt != nil {
		var at time.Time
		if err := optTime("expires_at", b.ExpiresAt, &at); err != nil {
			return in, err
		}
		in.ExpiresAt = &at
	}
	return in, nil
}

type idTagView struct {
	LotCode   string  `json:"lot_code"`
	Tag       string  `json:"tag"`
	Plate     string  `json:"plate"`
	Note      string  `json:"note"`
	Blocked   bool    `json:"blocked"`
	ExpiresAt *string `json:"expires_at"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
}

func viewIDTag(t *park.IDTag) idTagView {
	return idTagView{LotCode: t.LotCode, Tag: t.Tag, Plate: t.Plate, Note: t.Note, Blocked: t.Blocked,
		ExpiresAt: fmtTimePtr(t.ExpiresAt), CreatedAt: fmtTime(t.CreatedAt), UpdatedAt: fmtTime(t.UpdatedAt)}
}

func (s *Server) createIDTag(w http.ResponseWriter, r *http.Request) error {
	var b idTagInput
	if err := decode(r, &b); err != nil {
		return err
	}
	in, err := idTagBody{Plate: b.Plate, Note: b.Note, Blocked: b.Blocked, ExpiresAt: b.ExpiresAt}.core(b.Tag)
	if err != nil {
		return err
	}
	t, err := s.svc.Charging.CreateIDTag(r.Context(), r.PathValue("code"), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/lots/"+t.LotCode+"/id-tags/"+t.Tag)
	writeJSON(w, http.StatusCreated, viewIDTag(t))
	return nil
}

func (s *Server) listIDTags(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := core.QueryLimitUpTo(q.Get("limit"), charging.MaxListLimit)
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = charging.MaxListLimit
	}
	ts, more, err := s.svc.Charging.IDTagPage(r.Context(), r.PathValue("code"), q.Get("after"), limit)
	if err != nil {
		return err
	}
	out := make([]idTagView, len(ts))
	for i, t := range ts {
		out[i] = viewIDTag(t)
	}
	next := ""
	if more {
		next = ts[len(ts)-1].Tag
	}
	writeJSON(w, http.StatusOK, map[string]any{"id_tags": out, "next_after": next})
	return nil
}

func (s *Server) getIDTag(w http.ResponseWriter, r *http.Request) error {
	t, err := s.svc.Charging.IDTag(r.Context(), r.PathValue("code"), r.PathValue("tag"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewIDTag(t))
	return nil
}

func (s *Server) putIDTag(w http.ResponseWriter, r *http.Request) error {
	var b idTagBody
	if err := decode(r, &b); err != nil {
		return err
	}
	in, err := b.core(r.PathValue("tag"))
	if err != nil {
		return err
	}
	t, err := s.svc.Charging.UpdateIDTag(r.Context(), r.PathValue("code"), r.PathValue("tag"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewIDTag(t))
	return nil
}

func (s *Server) deleteIDTag(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Charging.DeleteIDTag(r.Context(), r.PathValue("code"), r.PathValue("tag")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
