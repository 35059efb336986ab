package linkc

// Name is the dialect's name, which its partners are created with.
const Name = "linkc"

// Currency is the one currency of the API's amounts: it writes them as
// plain decimals, which its integrators read as reais.
const Currency = "BRL"
