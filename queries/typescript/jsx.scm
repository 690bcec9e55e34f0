; TSX and JavaScript only: a JSX element is a use of a component.
(jsx_opening_element
  name: (identifier) @call.jsx)

(jsx_self_closing_element
  name: (identifier) @call.jsx)

; The closing tag repeats the name; it is not another use.
(jsx_closing_element
  name: (identifier) @call.jsx_closing)
