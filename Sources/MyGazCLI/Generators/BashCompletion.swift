import MyGazCore

/// The bash completion script (`completion bash`).
extension CompletionScripts {
    static func bash(_ table: CompletionTable = CompletionTable()) -> String {
        func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        var out = """
            # bash completion for mygaz-admin — \(header.replacingOccurrences(of: "%@", with: "bash")).
            # Install: copy to /usr/share/bash-completion/completions/mygaz-admin, or source it from ~/.bashrc.
            # Live values (ids, logins, RGK codes) come from `mygaz-admin __complete SOURCE PREFIX`.

            declare -gA _mygaz_admin_sub=(

            """
        for node in table.nodes where !node.subcommands.isEmpty {
            out += "  [\(q(node.path))]=\(q(node.subcommands.map(\.name).joined(separator: " ")))\n"
        }
        out += ")\ndeclare -gA _mygaz_admin_opt=(\n"
        out += "  [\(q(CompletionTable.globalScope))]=\(q(optionWords(table.globals)))\n"
        for node in table.nodes where !node.options.isEmpty {
            out += "  [\(q(node.path))]=\(q(optionWords(node.options)))\n"
        }
        out += ")\n" + valueArrays(table, declare: { "declare -gA \($0)=(\n" }, entry: { "  [\(q($0))]=\(q($1))\n" })
        out += #"""

            # the --db word as the shell will read it: quotes, backslashes, ~ and $HOME (nothing is evaluated)
            _mygaz_admin_path() {
              local p=$1
              if [[ $p == \'*\' || $p == \"*\" ]]; then p=${p:1:${#p}-2}; else p=${p//\\/}; fi
              [[ $p == \~ || $p == \~/* ]] && p=$HOME${p#\~}
              p=${p//\$\{HOME\}/$HOME}
              p=${p//\$HOME/$HOME}
              printf '%s' "$p"
            }

            # the long name of an option word in a scope, or nothing
            _mygaz_admin_long() {
              local scope=$1 word=$2
              if [[ $word == --* ]]; then echo "$word"; return; fi
              echo "${_mygaz_admin_short[$scope$word]:-${_mygaz_admin_short[GLOBAL$word]}}"
            }

            # true when the option takes a value; its spec in _mygaz_admin_spec
            _mygaz_admin_takes() {
              local scope=$1 long=$2
              if [[ -n ${_mygaz_admin_val[$scope$long]+x} ]]; then _mygaz_admin_spec=${_mygaz_admin_val[$scope$long]}; return 0; fi
              if [[ -n ${_mygaz_admin_val[GLOBAL$long]+x} ]]; then _mygaz_admin_spec=${_mygaz_admin_val[GLOBAL$long]}; return 0; fi
              return 1
            }

            # COMPREPLY for a value spec: fixed words, files, or live values from the database
            _mygaz_admin_values() {
              local spec=$1 cur=$2 db=$3 line
              case $spec in
                '') ;;
                @file)
                  compopt -o filenames 2>/dev/null
                  while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -f -- "$cur") ;;
                @user) while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -u -- "$cur") ;;
                @group) while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -g -- "$cur") ;;
                @live:*)
                  # values come from the database: quoted, so that no character of one is ever shell syntax
                  while IFS=$'\t' read -r line _; do
                    [[ -n $line ]] && printf -v line '%q' "$line" && COMPREPLY+=("$line")
                  done < <(command mygaz-admin ${db:+--db "$db"} __complete "${spec#@live:}" "$cur" 2>/dev/null) ;;
                *)
                  while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -W "$spec" -- "$cur") ;;
              esac
            }

            _mygaz_admin() {
              local cur=${COMP_WORDS[COMP_CWORD]} scope=ROOT db="" pending="" word long rest i n=0 ends=0
              local _mygaz_admin_spec=""
              COMPREPLY=()
              # bash splits --opt=value at '=': the value being typed follows a lone '=', and readline
              # puts what we offer after it (an offer that began with '=' would double it)
              if [[ $cur == = ]]; then cur=""; fi
            \#(walker(.bash))
              [[ -n $db ]] && db=$(_mygaz_admin_path "$db")
              if [[ -n $pending ]]; then
                _mygaz_admin_takes "$scope" "$pending"
                _mygaz_admin_values "$_mygaz_admin_spec" "$cur" "$db"
                return 0
              fi
              if ((!ends)) && [[ $cur == --*=* ]]; then
                if _mygaz_admin_takes "$scope" "${cur%%=*}"; then
                  _mygaz_admin_values "$_mygaz_admin_spec" "${cur#*=}" "$db"
                  COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
                fi
                return 0
              fi
              if ((!ends)) && [[ $cur == -* ]]; then
                while IFS= read -r word; do COMPREPLY+=("$word"); done \
                  < <(compgen -W "${_mygaz_admin_opt[$scope]} ${_mygaz_admin_opt[GLOBAL]}" -- "$cur")
                return 0
              fi
              if ((n == 0)) && [[ -n ${_mygaz_admin_sub[$scope]} ]]; then
                while IFS= read -r word; do COMPREPLY+=("$word"); done < <(compgen -W "${_mygaz_admin_sub[$scope]}" -- "$cur")
                return 0
              fi
              local -a specs
              IFS='|' read -r -a specs <<< "${_mygaz_admin_arg[$scope]}"
              if ((n < ${#specs[@]})); then
                _mygaz_admin_values "${specs[n]}" "$cur" "$db"
              elif [[ -n ${_mygaz_admin_many[$scope]} ]] && ((${#specs[@]})); then
                _mygaz_admin_values "${specs[${#specs[@]}-1]}" "$cur" "$db"
              fi
              return 0
            }

            complete -F _mygaz_admin mygaz-admin

            """#
        return out
    }

    static func optionWords(_ options: [OptionSpec]) -> String {
        options.flatMap { option in ["--" + option.long] + (option.short.map { ["-" + String($0)] } ?? []) }.joined(separator: " ")
    }
}
