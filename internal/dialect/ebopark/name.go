package ebopark

// Name is the dialect's name, which its partners are created with.
const Name = "ebopark"

// Currency is the one currency of the API's amounts: integers in fen
// (分), which the replies name as such.
const Currency = "CNY"
