package park

import (
	"context"
	"time"
)

// SchemaChange is what opening a store did to its schema: the migration
// version it found (0 when empty), the one it left, and the migrations it
// applied, in order (none when it was up to date).
type SchemaChange struct {
	From, To int64
	Applied  []int64
}

// Store keeps parkd's state. Every implementation passes the conformance
// suite in internal/store/storetest. Methods return *Error with ENotFound
// when a row is missing, EConflict on a uniqueness violation and
// EUnavailable when the database cannot be reached; nothing else leaks.
//
// Lots, stays, passes and whitelist entries carry a Version. Inserts store
// version 1; an Update* succeeds only when the row still has the version
// that was read, bumps it (also in the caller's struct), and otherwise
// returns EConflict. So two nodes doing read-modify-write on one row never
// lose an update: the loser retries with fresh data.
type Store interface {
	// Update runs fn in a read-write transaction; fn's changes commit
	// together or not at all. Concurrent Updates that touch the same rows
	// are serialised.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// View runs fn in a read-only transaction with a consistent snapshot.
	View(ctx context.Context, fn func(tx Tx) error) error
	// Ping checks the database is reachable.
	Ping(ctx context.Context) error
	// CheckWrite commits a write that changes no parkd data, to find out
	// the database still takes writes (not a read-only or full disk, not
	// a standby). Errors: EUnavailable when it does not, or when ctx ends
	// first.
	CheckWrite(ctx context.Context) error
	Close() error
}

// Tx is the set of operations available inside a transaction.
type Tx interface {
	// Serialize holds key until the transaction ends: a transaction that
	// serializes on the same key meanwhile waits, and then reads what
	// this one committed. It guards a check-then-act that rows alone do
	// not (a count against a limit). Where one writer runs at a time
	// (SQLite) it does nothing.
	Serialize(ctx context.Context, key string) error

	// Lots. CreateLot returns EConflict when the code exists.
	CreateLot(ctx context.Context, l *Lot) error
	// GetLot returns ENotFound for an unknown code.
	GetLot(ctx context.Context, code string) (*Lot, error)
	ListLots(ctx context.Context) ([]*Lot, error)
	// GetLotSettings is GetLot without counting the cars inside (Occupied
	// is 0): the gate's hot path reads the count only when it needs it.
	GetLotSettings(ctx context.Context, code string) (*Lot, error)
	// CountInside returns the lot's count of cars inside (never below 0).
	CountInside(ctx context.Context, code string) (int, error)
	// UpdateLot replaces the settable fields of a lot (ENotFound, EConflict
	// when its version changed). It never touches the occupancy count.
	UpdateLot(ctx context.Context, l *Lot) error
	// AddOccupied adds delta to the lot's count of cars inside (a sum of
	// deltas, read as zero while below it). It does not bump the version.
	// It may lock a row until commit, so callers make it the last
	// statement of a transaction.
	AddOccupied(ctx context.Context, code string, delta int) error

	// Lanes. GetLane returns ENotFound; CreateLane leaves a lane that
	// exists as it is (two nodes meeting a new lane at once both go on).
	GetLane(ctx context.Context, lot, id string) (*Lane, error)
	CreateLane(ctx context.Context, l *Lane) error

	// Events. GetEvent returns ENotFound; InsertEvent returns EConflict
	// when (lot, id) exists.
	GetEvent(ctx context.Context, lot, id string) (*Event, error)
	InsertEvent(ctx context.Context, e *Event) error
	// LatestLaneEvent returns a lane's latest event by the time its car
	// passed (an offline record replayed late is not the car at the lane
	// now), among those received since since (ENotFound when none).
	LatestLaneEvent(ctx context.Context, lot, lane string, since time.Time) (*Event, error)
	InsertAnomaly(ctx context.Context, a *Anomaly) error
	// GetAnomaly returns an anomaly of a lot by its id (ENotFound, also
	// for another lot's).
	GetAnomaly(ctx context.Context, lot, id string) (*Anomaly, error)
	// ListAnomalies returns a lot's anomalies newest first (ties on the
	// time by id, the higher first), those after f's Before in that
	// order, at most f.Limit.
	ListAnomalies(ctx context.Context, f AnomalyFilter) ([]*Anomaly, error)
	// ListStayAnomalies returns a stay's anomalies dated from from to to,
	// oldest first, at most limit.
	ListStayAnomalies(ctx context.Context, lot, stay string, from, to time.Time, limit int) ([]*Anomaly, error)
	// ListPlateAnomalies returns a lot's anomalies of one recorded plate
	// text and kind dated after f.After, oldest first (ties by id), at
	// most f.Limit: no other plate's are read.
	ListPlateAnomalies(ctx context.Context, f PlateAnomalyFilter) ([]*Anomaly, error)

	// Stays. InsertStay gives a stay without a locator its ticket: ten
	// digits, unique in the lot, that another ticket does not give away.
	// It returns EConflict when the locator is taken.
	InsertStay(ctx context.Context, s *Stay) error
	GetStay(ctx context.Context, id string) (*Stay, error)
	// GetStayByLocator finds any stay of the lot by its ticket number.
	GetStayByLocator(ctx context.Context, lot, locator string) (*Stay, error)
	// FindInside returns the open stay of a plate key in a lot (ENotFound).
	FindInside(ctx context.Context, lot, plateKey string) (*Stay, error)
	// ListPartnerInside returns the open stays of a plate key in the lots
	// partner is registered for, and ListPartnerStaysByLocator the stays,
	// open or closed, with a ticket number there; newest entry first (then
	// by lot code), in one statement whatever the number of lots.
	ListPartnerInside(ctx context.Context, partner, plateKey string) ([]*Stay, error)
	ListPartnerStaysByLocator(ctx context.Context, partner, locator string) ([]*Stay, error)
	UpdateStay(ctx context.Context, s *Stay) error
	ListStays(ctx context.Context, f StayFilter) ([]*Stay, error)
	// CountInsideForPass counts the open stays holding a space of a pass.
	CountInsideForPass(ctx context.Context, passID string) (int, error)

	// Quotes and payments. InsertPayment returns EConflict when the quote
	// is already paid or the idempotency key or (payer, reference) exists.
	InsertQuote(ctx context.Context, q *Quote) error
	GetQuote(ctx context.Context, id string) (*Quote, error)
	// ListStayQuotes returns up to limit of a stay's quotes, newest
	// first: paid ones, and unpaid ones until DeleteExpiredQuotes.
	ListStayQuotes(ctx context.Context, stayID string, limit int) ([]*Quote, error)
	// DeleteExpiredQuotes deletes up to limit unpaid quotes that expired
	// before the given instant and returns how many it deleted.
	DeleteExpiredQuotes(ctx context.Context, before time.Time, limit int) (int, error)
	InsertPayment(ctx context.Context, p *Payment) error
	GetPayment(ctx context.Context, id string) (*Payment, error)
	GetPaymentByQuote(ctx context.Context, quoteID string) (*Payment, error)
	GetPaymentByKey(ctx context.Context, key string) (*Payment, error)
	GetPaymentByReference(ctx context.Context, payer, reference string) (*Payment, error)
	// GetPaymentsByKeyOrReference is GetPaymentByKey(key) and
	// GetPaymentByReference(payer, reference) in one read, nil for either
	// not found (an empty key or reference finds none), so a payment's
	// look-ups of its request cost one round trip where that counts.
	GetPaymentsByKeyOrReference(ctx context.Context, key, payer, reference string) (byKey, byReference *Payment, err error)
	// ListStayPayments returns a stay's payments, oldest first.
	ListStayPayments(ctx context.Context, stayID string) ([]*Payment, error)

	// Passes. Plates are matched by key; a plate key belongs to at most
	// one pass of a lot (EConflict).
	CreatePass(ctx context.Context, p *Pass) error
	GetPass(ctx context.Context, id string) (*Pass, error)
	UpdatePass(ctx context.Context, p *Pass) error
	DeletePass(ctx context.Context, id string) error
	ListPasses(ctx context.Context, lot string) ([]*Pass, error)
	// ListPassPage returns at most f.Limit of a lot's passes in id order,
	// those after f.AfterID, with their plates.
	ListPassPage(ctx context.Context, f PageFilter) ([]*Pass, error)
	FindPassByPlate(ctx context.Context, lot, plateKey string) (*Pass, error)
	// FindPassByCreatedKey finds the newest of a lot's passes whose
	// CreatedKey is key, a non-empty one (ENotFound).
	FindPassByCreatedKey(ctx context.Context, lot, key string) (*Pass, error)
	// FindPassByUserCode finds a lot's pass by its holder's user code,
	// which names at most one pass of a lot (ENotFound; CreatePass and
	// UpdatePass return EConflict for a code taken).
	FindPassByUserCode(ctx context.Context, lot, userCode string) (*Pass, error)

	// Whitelist. A plate key has at most one entry per lot (EConflict).
	CreateWhitelist(ctx context.Context, w *WhitelistEntry) error
	GetWhitelist(ctx context.Context, id string) (*WhitelistEntry, error)
	UpdateWhitelist(ctx context.Context, w *WhitelistEntry) error
	DeleteWhitelist(ctx context.Context, id string) error
	ListWhitelist(ctx context.Context, lot string) ([]*WhitelistEntry, error)
	// ListWhitelistPage returns at most f.Limit of a lot's entries in id
	// order, those after f.AfterID.
	ListWhitelistPage(ctx context.Context, f PageFilter) ([]*WhitelistEntry, error)
	// ListEntryPage returns at most f.Limit entries of one list of a lot
	// (f.Category; f.Kind too unless it is "") in plate key order, those
	// after f.AfterPlateKey.
	ListEntryPage(ctx context.Context, f EntryFilter) ([]*WhitelistEntry, error)
	FindWhitelist(ctx context.Context, lot, plateKey string) (*WhitelistEntry, error)

	// PlateRecords says which kinds of records a plate key has in a lot,
	// in one statement, so that a lane looks up only those.
	PlateRecords(ctx context.Context, lot, plateKey string) (PlateRecords, error)
	// LotAndPlate is GetLotSettings and PlateRecords of the same lot
	// together, which a gate event and a quote both begin with: one
	// statement where a round trip costs more than the reads
	// (PostgreSQL). A store reading them in one statement also returns
	// the plate's open stay there, as FindInside would (nil when Inside
	// is false); one that reads them apart returns none, and FindInside
	// reads it if a step needs it. An unknown lot answers as
	// GetLotSettings does (ENotFound).
	LotAndPlate(ctx context.Context, code, plateKey string) (*Lot, PlateRecords, *Stay, error)

	// Partners. CreatePartner returns EConflict when the id exists and
	// ENotFound when one of its lots does not; GetPartner and DeletePartner
	// return ENotFound. Deleting a partner removes it from the integrators
	// that held it, and deletes its subscriptions as DeleteSubscription
	// does, in the same short write: their deliveries, possibly very
	// many, are left to PruneDeletedSubscriptions. ListPartners orders by
	// id.
	CreatePartner(ctx context.Context, p *Partner) error
	GetPartner(ctx context.Context, id string) (*Partner, error)
	// PartnerUsesLot says whether partner id (one that exists) is
	// registered for lot: one look-up, for checks on hot paths.
	PartnerUsesLot(ctx context.Context, id, lot string) (bool, error)
	ListPartners(ctx context.Context) ([]*Partner, error)
	DeletePartner(ctx context.Context, id string) error

	// Integrators. CreateIntegrator returns EConflict when the username
	// exists and ENotFound when one of its partners does not;
	// GetIntegrator returns ENotFound.
	CreateIntegrator(ctx context.Context, u *Integrator) error
	GetIntegrator(ctx context.Context, username string) (*Integrator, error)

	// API tokens, by the SHA-256 of the token. InsertToken returns
	// EConflict when the hash exists; GetToken returns ENotFound.
	// RevokeTokens marks every unrevoked token of a user revoked at the
	// given instant and returns how many it revoked.
	InsertToken(ctx context.Context, t *APIToken) error
	GetToken(ctx context.Context, hash string) (*APIToken, error)
	RevokeTokens(ctx context.Context, username string, at time.Time) (int, error)

	// Seen requests. MarkSeen records that a partner's signed request
	// (digest) was served at at, and reports whether it is its first use
	// since cutoff (a row older than cutoff is forgotten first); false
	// means a replay. DeleteSeenBefore deletes up to limit rows older
	// than before and returns how many.
	MarkSeen(ctx context.Context, partnerID, digest string, at, cutoff time.Time) (bool, error)
	DeleteSeenBefore(ctx context.Context, before time.Time, limit int) (int, error)

	// Locks. A plate key is locked at most once per lot: Lock returns
	// EConflict when it already is and ENotFound when the lot does not
	// exist; Unlock returns ENotFound when it is not locked; IsLocked
	// returns the lock, or nil when there is none.
	Lock(ctx context.Context, l *Lock) error
	Unlock(ctx context.Context, lot, plateKey string) error
	IsLocked(ctx context.Context, lot, plateKey string) (*Lock, error)

	// Each of these lives in its own file beside its types.
	CouponTx        // coupon.go
	PlanTx          // plan.go
	ReservationTx   // reservation.go
	SpaceTx         // space.go
	ReportTx        // report.go
	EnrolmentTx     // enrolment.go
	ChargingTx      // charging.go
	RentalTx        // rental.go
	RentalOrderTx   // rentalorder.go
	StoreRuleTx     // rentalrule.go
	DeviceTx        // device.go
	DeviceCommandTx // device.go
	ImageTx         // image.go
	OperatorTx      // operator.go
}

// Lock holds a car in a lot: while its plate is locked, the car's exit is
// held (ReasonLocked).
type Lock struct {
	LotCode  string
	PlateKey string
	LockedAt time.Time
	By       string // who locked it (a partner id, an operator)
}

// Clock returns the current time; tests inject their own.
type Clock func() time.Time

// Precision is the time resolution every store keeps. Times are truncated
// to it before they are stored, so what is read back equals what was written.
const Precision = time.Microsecond
