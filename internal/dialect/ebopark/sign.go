package ebopark

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/partners"
)

// Sign modes of Ebopark partners (docs/ebopark.md, "Signing"; the
// partner's sign_mode). app registers SignHMAC (the default) and SignMD5;
// SignStatic exists only for the demo's vendor test partner.
const (
	// SignHMAC binds the operation, a timestamp and a nonce:
	// sign = hex(HMAC-SHA256(secret, partnerid \n operation \n timestamp
	// \n nonce \n body)). A request signed for one operation is refused by
	// every other; a timestamp beyond partners.SignWindow, or a nonce used
	// again, is refused.
	SignHMAC = "hmac-sha256"
	// SignMD5 is the body-only sign, hex(MD5(body + secret)), for clients
	// that cannot change: it does not bind the operation, so a captured
	// request's body can be sent to another operation that takes the same
	// fields. Weaker; chosen explicitly per partner.
	SignMD5 = "md5"
	// SignStatic is the vendor's test environment, where the sign is the
	// secret itself (partnerid=test&sign=ebo2019): the demo only.
	SignStatic = "static"
)

// Sign is the md5 mode's signature: lower-case hex of MD5(raw request
// body bytes + partner secret).
func Sign(body []byte, secret string) string {
	h := md5.New()
	h.Write(body)
	h.Write([]byte(secret))
	return hex.EncodeToString(h.Sum(nil))
}

// SignRequest is the hmac-sha256 mode's signature of a request.
func SignRequest(secret, partnerID, operation, timestamp, nonce string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	for _, s := range []string{partnerID, operation, timestamp, nonce} {
		m.Write([]byte(s))
		m.Write([]byte{'\n'})
	}
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

var nonceRE = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// guarded are the operations whose exact replay would repeat an effect:
// barrier commands, deletes and locks. Their replay within the signing
// window is refused in every mode, on every node (partners.FirstUse).
var guarded = map[string]bool{
	"OpenGate": true, "CloseGate": true, "GateAlwaysOpen": true,
	"DeleteInParkCar": true, "DeleteMonthCar": true, "DeleteWhiteCar": true, "DeleteSpecialCar": true,
	"DeleteHotelCar": true, "DeletePeriodMonthCar": true, "DeleteMinuteDeduction": true,
	"LockCar": true, "UnlockCar": true,
}

// hmacHint tells a client missing the hmac-sha256 mode's parameters which
// mode its partner signs with.
const hmacHint = "该合作商的签名须带timestamp与nonce；只带partnerid与sign的客户端，请让车场改用旧式签名"

// authenticate finds the partner named by partnerid and checks its sign
// for operation op in the partner's mode, then refuses a replay. A partner
// of another dialect answers as unknown; one without a secret can never be
// authenticated (an empty secret would make the sign public). served is
// what identifies a guarded request of a mode without nonces (md5,
// static), now recorded as served: serve forgets it when the operation
// refuses the request ("" otherwise).
func (h *Handler) authenticate(r *http.Request, body []byte, op string) (p *park.Partner, served string, err error) {
	q := r.URL.Query()
	id, sign := q.Get("partnerid"), q.Get("sign")
	switch {
	case id == "":
		return nil, "", refuse(refusedMissing, "partnerid", "")
	case sign == "":
		return nil, "", refuse(refusedMissing, "sign", "")
	}
	p, err = h.svc.Partners.SigningPartner(r.Context(), id)
	if park.IsCode(err, park.ENotFound) || park.IsCode(err, park.EInvalid) || (err == nil && p.Dialect != Name) {
		return nil, "", refuse(refusedPartner, core.Echo(id), "")
	}
	if err != nil {
		return nil, "", err
	}
	if p.Secret == "" {
		return nil, "", refuse(refusedSign, "", "合作商未配置密钥")
	}
	var digest string // what identifies this request against replays
	switch p.SignMode {
	case SignStatic:
		if subtle.ConstantTimeCompare([]byte(sign), []byte(p.Secret)) != 1 {
			return nil, "", refuse(refusedSign, "", "")
		}
		digest = bodyDigest(op, body)
	case SignMD5:
		if subtle.ConstantTimeCompare([]byte(strings.ToLower(sign)), []byte(Sign(body, p.Secret))) != 1 {
			return nil, "", refuse(refusedSign, "", "")
		}
		digest = bodyDigest(op, body)
	default: // SignHMAC, and any mode a newer node may know first
		ts, nonce := q.Get("timestamp"), q.Get("nonce")
		switch {
		// A client written for the vendor sends neither: say which rule
		// this partner signs with.
		case ts == "":
			return nil, "", refuse(refusedMissing, "timestamp", hmacHint)
		case nonce == "":
			return nil, "", refuse(refusedMissing, "nonce", hmacHint)
		case !nonceRE.MatchString(nonce):
			return nil, "", refuse(refusedType, "nonce", "应为8-64位字母、数字、-或_")
		}
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return nil, "", refuse(refusedType, "timestamp", "应为Unix秒数")
		}
		if d := h.svc.Partners.Now().Sub(time.Unix(sec, 0)); d > partners.SignWindow || d < -partners.SignWindow {
			return nil, "", refuse(refusedStale, "timestamp", "与服务器时间相差超过300秒，请校准时钟后重新签名")
		}
		want := SignRequest(p.Secret, p.ID, op, ts, nonce, body)
		if subtle.ConstantTimeCompare([]byte(strings.ToLower(sign)), []byte(want)) != 1 {
			return nil, "", refuse(refusedSign, "", "")
		}
		if !h.nonces.first(p.ID+"\n"+nonce, sec) {
			return nil, "", replayed(p.SignMode)
		}
		digest = "nonce:" + nonce
	}
	if guarded[op] {
		if err := h.svc.Partners.FirstUse(r.Context(), p.ID, digest); err != nil {
			if park.IsCode(err, park.EReplayed) {
				err = replayed(p.SignMode)
			}
			return nil, "", err
		}
		if p.SignMode == SignStatic || p.SignMode == SignMD5 {
			served = digest
		}
	}
	return p, served, nil
}

// replayed refuses a request served within the signing window, naming
// what makes a repeat new in the partner's mode: a new nonce, or (with no
// nonce to sign) something new in the body, such as a RequestId.
func replayed(mode string) error {
	e := park.Errorf(park.EReplayed, "this signed request was already served")
	e.Field = "request_id"
	if mode != SignStatic && mode != SignMD5 {
		e.Field = "nonce"
	}
	return e
}

// bodyDigest identifies a request of a mode without nonces: its
// operation and body.
func bodyDigest(op string, body []byte) string {
	sum := sha256.Sum256(append([]byte(op+"\n"), body...))
	return "body:" + hex.EncodeToString(sum[:])
}

// nonceSet remembers this node's nonces for twice the signing window, in
// one-minute buckets by the request's timestamp, so a nonce used again on
// this node is refused. Reads replayed to another node within the window
// are not (they change nothing); the operations that change something are
// refused on every node through the database (guarded).
type nonceSet struct {
	mu      sync.Mutex
	buckets map[int64]map[string]struct{}
}

func (s *nonceSet) first(key string, sec int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buckets == nil {
		s.buckets = map[int64]map[string]struct{}{}
	}
	minute := sec / 60
	keep := int64(2 * partners.SignWindow / time.Minute)
	for m := range s.buckets {
		if m < minute-keep || m > minute+keep {
			delete(s.buckets, m)
		}
	}
	for m := minute - keep; m <= minute+keep; m++ {
		if _, ok := s.buckets[m][key]; ok {
			return false
		}
	}
	b := s.buckets[minute]
	if b == nil {
		b = map[string]struct{}{}
		s.buckets[minute] = b
	}
	b[key] = struct{}{}
	return true
}
