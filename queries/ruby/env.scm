; Environment variable reads.

; ENV['X'], ENV["X"]
(element_reference
  object: (constant) @_env
  .
  (string
    .
    (string_content) @env.name .)
  (#eq? @_env "ENV"))

; ENV.fetch('X'), ENV.fetch('X', d), ENV.key?('X')
(call
  receiver: (constant) @_env
  method: (identifier) @_fetch
  arguments: (argument_list
    .
    (string
      .
      (string_content) @env.name .))
  (#eq? @_env "ENV")
  (#any-of? @_fetch "fetch" "key?" "has_key?" "include?" "[]"))
