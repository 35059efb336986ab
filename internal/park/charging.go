package park

import (
	"cmp"
	"context"
	"time"
)

// Charger families: what a charger charges.
const (
	FamilyTwoWheeler = 0 // a two-wheeler cabinet: one connector per port
	FamilyCar        = 1 // an AC or DC pile for cars
)

// Charger availability as the operator sets it (OCPP ChangeAvailability).
const (
	ChargerOperative   = "operative"
	ChargerInoperative = "inoperative"
)

// Charger is a charge point: one OCPP connection with its connectors. Its
// ID is the charge point identity in its OCPP URL.
type Charger struct {
	ID         string `json:"id"`
	LotCode    string `json:"lot_code"`
	SpaceCode  string `json:"space_code,omitempty"`
	Family     int    `json:"family"`
	Type       string `json:"type"` // the operator's name for the model, e.g. "cabinet-10", "ac-7kw"
	Connectors int    `json:"connectors"`
	// StandardID is the price standard its sessions are billed by.
	StandardID   int64  `json:"standard_id"`
	Availability string `json:"availability"`
	// PasswordHash is the OCPP Basic password, hashed (never in JSON).
	PasswordHash string `json:"-"`
	// What the charger said about itself (BootNotification, heartbeats).
	Online        bool       `json:"online"`
	LastHeartbeat *time.Time `json:"last_heartbeat,omitempty"`
	Vendor        string     `json:"vendor,omitempty"`
	Model         string     `json:"model,omitempty"`
	Firmware      string     `json:"firmware,omitempty"`
	// Connection names the charger's newest connection, made when it
	// connected: with several nodes, the node holding that connection is
	// the one that reaches the charger, and the end of an older
	// connection (on any node) does not take the charger offline.
	Connection string `json:"connection,omitempty"`
	// Ports are the connectors' last reported states, by connector id.
	Ports []ConnectorState `json:"ports,omitempty"`
	// Commands are the last commands parkd sent it and their results,
	// newest last (at most MaxCommandLog).
	Commands  []CommandResult `json:"commands,omitempty"`
	Retired   *time.Time      `json:"retired,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	Version   int64           `json:"-"`
}

// ConnectorState is one connector's last StatusNotification.
type ConnectorState struct {
	Connector int       `json:"connector"`
	Status    string    `json:"status"` // OCPP ChargePointStatus: Available, Charging, Faulted, ...
	ErrorCode string    `json:"error_code,omitempty"`
	At        time.Time `json:"at"`
}

// MaxCommandLog is how many command results a charger keeps.
const MaxCommandLog = 20

// CommandResult is what became of one command parkd sent a charger.
type CommandResult struct {
	Command   string    `json:"command"` // the OCPP action
	Connector int       `json:"connector,omitempty"`
	At        time.Time `json:"at"`
	// Status is the charger's answer (Accepted, Rejected, Scheduled,
	// Unlocked, ...), or "timeout", "offline" or "error" (Detail says).
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// PriceStandard is a charging price standard as operators keep it: the
// rules (priced by internal/tariff) and what they show. Money in minor
// units of the lot currency.
type PriceStandard struct {
	ID      int64       `json:"id"`
	Name    string      `json:"name"`
	Family  int         `json:"family"`
	Display string      `json:"display"` // how a device shows a start: "time", "money", "energy"
	Remark  string      `json:"remark"`
	Rules   ChargeRules `json:"rules"`
	// Bookkeeping a partner's own system keeps on a standard (its account
	// and user ids, the device types it names), returned as given.
	Owner       int64     `json:"owner,omitempty"`
	CreatedBy   int64     `json:"created_by,omitempty"`
	DeviceTypes string    `json:"device_types,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"-"`
}

// ChargeRules are a standard's prices, the vendor-neutral charging model
// in plain values (internal/charging translates them to internal/tariff).
type ChargeRules struct {
	Kind         string          `json:"kind"`                    // "time", "power", "energy"
	PowerMeasure string          `json:"power_measure,omitempty"` // power: "average" or "maximum"
	MaxMinutes   int             `json:"max_minutes,omitempty"`   // 0 = no limit
	Minimum      int64           `json:"minimum,omitempty"`
	StopWhenFull bool            `json:"stop_when_full,omitempty"`
	FullPrice    int64           `json:"full_price,omitempty"`
	Payment      string          `json:"payment"` // "balance", "prepaid", "package"
	MinBalance   int64           `json:"min_balance,omitempty"`
	RefundTo     string          `json:"refund_to"` // "balance" or "payment"
	Segments     []ChargeSegment `json:"segments"`
}

// ChargeSegment is one price of a standard. From and To are clock times
// "HH:MM" or "HH:MM:SS" ("24:00" ends at midnight).
type ChargeSegment struct {
	From         string `json:"from"`
	To           string `json:"to"`
	Price        int64  `json:"price"`
	ServiceFee   int64  `json:"service_fee,omitempty"`
	BlockMinutes int    `json:"block_minutes,omitempty"`
	MinPowerW    int64  `json:"min_power_w,omitempty"`
	MaxPowerW    int64  `json:"max_power_w,omitempty"`
	Period       string `json:"period,omitempty"`
}

// Charge session states.
const (
	SessionPending  = "pending"  // asked for; the charger has not started it
	SessionCharging = "charging" // the charger started a transaction
	SessionEnded    = "ended"    // stopped and billed
	SessionFailed   = "failed"   // never started (refused, timed out); any prepayment refunded in full
)

// Session sources: who started a session.
const (
	SourceNative  = "native"
	SourcePartner = "partner"
	SourceCharger = "charger" // an id tag presented at the charger
)

// End reasons of a charging session (the codes partners are told).
const (
	EndTimer       = 1  // the bought time ran out
	EndFull        = 2  // the battery is full
	EndManual      = 3  // stopped by the driver or a partner
	EndOverPower   = 4  // the charger stopped over its power limit
	EndNoLoad      = 5  // nothing drew power
	EndUnplugged   = 6  // the plug was pulled
	EndTimeLimit   = 12 // the standard's longest charge was reached
	EndOverTemp    = 13 // over temperature
	EndMeterFault  = 14 // the meter failed
	EndOverVoltage = 15
	EndLeakage     = 16 // residual-current trip
	EndFault       = 17 // the charger reported a fault
	EndMoneyUsedUp = 18 // the prepaid money was used up (parkd's code)
	EndLost        = 19 // the charger went away and never reported the end (parkd's code)
	EndRefused     = 20 // the charger refused or never answered the start (parkd's code)
)

// ChargeSession is one charge on one connector, from the order to its bill.
type ChargeSession struct {
	ID         string `json:"id"` // the order number
	ChargerID  string `json:"charger_id"`
	Connector  int    `json:"connector"`
	LotCode    string `json:"lot_code"`
	StandardID int64  `json:"standard_id"`
	// StandardVersion is the version of the standard the session started
	// on, which prices it (0: the current one, for sessions from before).
	StandardVersion int64 `json:"standard_version,omitempty"`
	// TransactionID is the OCPP transaction id parkd gave the charger (0
	// until it starts).
	TransactionID int64  `json:"transaction_id"`
	IDTag         string `json:"id_tag"`
	// PlateKey is the plate of the car charging, when known (a driver's
	// tag, or given when the session was asked for): the lot's parking
	// tariff may let it park free while it charges.
	PlateKey  string `json:"plate_key,omitempty"`
	Source    string `json:"source"`
	PartnerID string `json:"partner_id,omitempty"`
	Status    string `json:"status"`
	// Prepaid is what the driver paid before charging (0: open-ended).
	Prepaid int64 `json:"prepaid"`
	// LimitMinutes is the bought time (0: none but the standard's).
	LimitMinutes int        `json:"limit_minutes"`
	StartedAt    *time.Time `json:"started_at,omitempty"`
	EndedAt      *time.Time `json:"ended_at,omitempty"`
	// MeterStart is the charger's register at the start, Wh; Readings are
	// the register readings since.
	MeterStart int64          `json:"meter_start"`
	Readings   []MeterReading `json:"readings,omitempty"`
	Full       bool           `json:"full"`
	// The bill: at each reading while charging, final once ended.
	Amount      int64  `json:"amount"`
	Electricity int64  `json:"electricity"`
	Service     int64  `json:"service"`
	EnergyWh    int64  `json:"energy_wh"`
	Refund      int64  `json:"refund"`
	RefundTo    string `json:"refund_to,omitempty"`
	EndReason   int    `json:"end_reason,omitempty"`
	// StopAsked is when parkd first asked the charger to stop (nil: not asked),
	// and StopReason the end reason it had.
	StopAsked  *time.Time `json:"stop_asked,omitempty"`
	StopReason int        `json:"stop_reason,omitempty"`
	// StopSent is when parkd last asked, and StopAsks how many times: a
	// stop still owed is asked again, a bounded number of times.
	StopSent *time.Time `json:"stop_sent,omitempty"`
	StopAsks int        `json:"stop_asks,omitempty"`
	// StopUnheard is when parkd sent a stop whose answer it has not heard
	// (the charger did not answer within the call's timeout, or its
	// connection ended): such an ask is not among StopAsks, and it is
	// sent again at the charger's next sign of life after it.
	StopUnheard *time.Time `json:"stop_unheard,omitempty"`
	// StopUnanswered is how many asks in a row a connected charger left
	// with no answer heard within the call's timeout (the newest,
	// StopUnheard, among them while it waits): 0 once one is heard. An
	// ask whose connection ended before the answer, or whose wait
	// parkd's shutdown cut short, is not one of them.
	// It spaces the asks of a silent charger and ends them at a bound.
	StopUnanswered int `json:"stop_unanswered,omitempty"`
	// StopUnansweredSince is when the first of them was sent (nil while
	// there are none).
	StopUnansweredSince *time.Time `json:"stop_unanswered_since,omitempty"`
	// ClockOffset is added to the charger's timestamps: set at the start
	// when the charger's clock was far from parkd's.
	ClockOffset time.Duration `json:"clock_offset,omitempty"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	Version     int64         `json:"-"`
}

// MeterReading is one reading of a charger's energy register.
type MeterReading struct {
	At       time.Time `json:"at"`
	EnergyWh int64     `json:"energy_wh"` // the register, not since the start
	PowerW   int64     `json:"power_w"`   // -1: the reading measured no power
}

// CompareReadings orders a session's readings: by time, then register.
func CompareReadings(a, b MeterReading) int {
	return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.EnergyWh, b.EnergyWh))
}

// Outcomes of a session that is over; "" while it is open.
const (
	OutcomeNormal   = "normal"   // ended as bought or asked: time, money, a full battery, a stop, the plug pulled
	OutcomeAbnormal = "abnormal" // a fault, a lost charger, a refused start
)

// Outcome says how a session ended: normal when it ended for a reason the
// driver chose or bought, abnormal otherwise (a session that never
// started is abnormal), "" while it is open.
func (s *ChargeSession) Outcome() string {
	switch {
	case s.Open():
		return ""
	case s.Status == SessionEnded && normalEnds[s.EndReason]:
		return OutcomeNormal
	}
	return OutcomeAbnormal
}

var normalEnds = map[int]bool{EndTimer: true, EndFull: true, EndManual: true, EndUnplugged: true, EndTimeLimit: true,
	EndMoneyUsedUp: true}

// Open reports whether the session has not ended.
func (s *ChargeSession) Open() bool {
	return s.Status == SessionPending || s.Status == SessionCharging
}

// ChargeSessionFilter selects sessions; empty fields select all. Sessions
// come in (updated_at, id) order after the cursor.
type ChargeSessionFilter struct {
	ChargerID    string
	PartnerID    string
	Status       string
	Outcome      string    // OutcomeNormal or OutcomeAbnormal; "": any
	UpdatedFrom  time.Time // zero: no lower bound
	UpdatedTo    time.Time // zero: no upper bound (exclusive)
	AfterUpdated time.Time // keyset cursor with AfterID
	AfterID      string
	Limit        int
}

// PriceStandardFilter selects standards; empty fields select all.
type PriceStandardFilter struct {
	Name    string // exact name
	Family  int    // -1: any
	AfterID int64
	Limit   int
}

// IDTag is an id tag (an RFID card) registered in a lot: drivers present
// it at the lot's chargers. A tag linked to a plate charges for that car,
// which then parks free while it charges where the lot's tariff says so.
type IDTag struct {
	LotCode   string
	Tag       string // OCPP IdToken: up to 20 characters
	Plate     string // as entered; "" for a tag of no car
	PlateKey  string
	Note      string
	Blocked   bool
	ExpiresAt *time.Time // nil: never
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// IDTagFilter pages a lot's id tags in tag order.
type IDTagFilter struct {
	LotCode  string
	AfterTag string
	Limit    int
}

// Charger command statuses in the relay table.
const (
	CommandQueued = "queued" // waiting for the node holding the charger's connection
	CommandSent   = "sent"   // claimed by that node, sent to the charger
	CommandDone   = "done"   // Result holds the answer
)

// ChargerCommand is a command to a charger asked for on a node that does
// not hold the charger's connection: the node that does sends it and
// writes the answer back. Payload is the protocol's own, opaque here.
type ChargerCommand struct {
	ID        string
	ChargerID string
	Action    string
	Payload   []byte
	Status    string
	// Result is the charger's answer ("Accepted", ...), or "offline",
	// "timeout", or "error: ..." when there was none.
	Result    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ChargingTx is the part of Tx for chargers, price standards, id tags and
// charge sessions.
type ChargingTx interface {
	// InsertChargerCommand queues a command. GetChargerCommand returns
	// ENotFound. QueuedChargerCommands lists up to limit queued commands,
	// oldest first. SetChargerCommand moves a command from one status to
	// another with a result, and reports whether it was in the first (so
	// one node claims it). DeleteChargerCommands removes commands last
	// changed before a time.
	InsertChargerCommand(ctx context.Context, c *ChargerCommand) error
	GetChargerCommand(ctx context.Context, id string) (*ChargerCommand, error)
	QueuedChargerCommands(ctx context.Context, limit int) ([]*ChargerCommand, error)
	SetChargerCommand(ctx context.Context, id, from, to, result string, at time.Time) (bool, error)
	DeleteChargerCommands(ctx context.Context, before time.Time) (int, error)

	// CreateIDTag returns EConflict when the lot has the tag and ENotFound
	// when the lot does not exist. GetIDTag and DeleteIDTag return
	// ENotFound; UpdateIDTag is versioned.
	CreateIDTag(ctx context.Context, t *IDTag) error
	GetIDTag(ctx context.Context, lot, tag string) (*IDTag, error)
	UpdateIDTag(ctx context.Context, t *IDTag) error
	DeleteIDTag(ctx context.Context, lot, tag string) error
	ListIDTags(ctx context.Context, f IDTagFilter) ([]*IDTag, error)

	// CreateCharger returns EConflict when the id exists and ENotFound when
	// its lot does not. GetCharger returns ENotFound. UpdateCharger is
	// versioned (ENotFound, EConflict). ListChargers lists a lot's ("":
	// all lots) chargers in id order.
	CreateCharger(ctx context.Context, c *Charger) error
	GetCharger(ctx context.Context, id string) (*Charger, error)
	UpdateCharger(ctx context.Context, c *Charger) error
	ListChargers(ctx context.Context, lot string) ([]*Charger, error)
	// ListSilentChargers lists, by id after afterID, up to limit chargers
	// recorded online and last seen before before (LastHeartbeat).
	ListSilentChargers(ctx context.Context, before time.Time, afterID string, limit int) ([]*Charger, error)

	// CreatePriceStandard assigns the next id when ID is 0 (EConflict when
	// a given id exists). GetPriceStandard returns ENotFound;
	// UpdatePriceStandard is versioned, and keeps the version it replaces
	// for GetPriceStandardVersion (ENotFound: never kept);
	// DeletePriceStandard returns ENotFound and drops the kept versions.
	// ListPriceStandards lists in id order.
	CreatePriceStandard(ctx context.Context, p *PriceStandard) error
	GetPriceStandard(ctx context.Context, id int64) (*PriceStandard, error)
	GetPriceStandardVersion(ctx context.Context, id, version int64) (*PriceStandard, error)
	UpdatePriceStandard(ctx context.Context, p *PriceStandard) error
	DeletePriceStandard(ctx context.Context, id int64) error
	ListPriceStandards(ctx context.Context, f PriceStandardFilter) ([]*PriceStandard, error)
	CountPriceStandards(ctx context.Context, f PriceStandardFilter) (int, error)

	// InsertChargeSession returns EConflict when the id, or a non-zero
	// transaction id of the same charger, exists. GetChargeSession and
	// GetChargeSessionByTransaction return ENotFound. UpdateChargeSession
	// is versioned and leaves the readings alone: AddChargeReadings adds
	// readings new to the session (the caller checks), in the transaction
	// that updates it, whose version keeps two writers from adding the
	// same ones. A session read back holds its readings in time order.
	// OpenChargeSession returns the open session of a connector
	// (ENotFound).
	InsertChargeSession(ctx context.Context, s *ChargeSession) error
	GetChargeSession(ctx context.Context, id string) (*ChargeSession, error)
	GetChargeSessionByTransaction(ctx context.Context, chargerID string, txID int64) (*ChargeSession, error)
	OpenChargeSession(ctx context.Context, chargerID string, connector int) (*ChargeSession, error)
	UpdateChargeSession(ctx context.Context, s *ChargeSession) error
	AddChargeReadings(ctx context.Context, sessionID string, rs []MeterReading) error
	ListChargeSessions(ctx context.Context, f ChargeSessionFilter) ([]*ChargeSession, error)
	// ChargeSessionsOfPlate returns up to limit sessions of a lot that
	// charged a plate, most recently changed first.
	ChargeSessionsOfPlate(ctx context.Context, lot, plateKey string, limit int) ([]*ChargeSession, error)
	CountChargeSessions(ctx context.Context, f ChargeSessionFilter) (int, error)
	// LatestChargeSessions returns up to limit sessions of a charger, most
	// recently changed first (a tie by id, descending).
	LatestChargeSessions(ctx context.Context, chargerID string, limit int) ([]*ChargeSession, error)
	// LatestChargeSessionsOfLot returns, in one read, up to limit
	// sessions of each charger of a lot, grouped by charger in id order,
	// each charger's as LatestChargeSessions orders them.
	LatestChargeSessionsOfLot(ctx context.Context, lot string, limit int) ([]*ChargeSession, error)
}
