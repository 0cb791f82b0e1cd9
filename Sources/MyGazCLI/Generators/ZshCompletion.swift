import MyGazCore

/// The zsh completion script (`completion zsh`).
extension CompletionScripts {
    static func zsh(_ table: CompletionTable = CompletionTable()) -> String {
        func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        func described(_ name: String, _ text: String) -> String { name.replacingOccurrences(of: ":", with: "\\:") + ":" + text }
        var out = """
            #compdef mygaz-admin
            # zsh completion for mygaz-admin — \(header.replacingOccurrences(of: "%@", with: "zsh")).
            # Install: copy to a directory of $fpath as _mygaz-admin (e.g. /usr/local/share/zsh/site-functions), then compinit.
            # Live values (ids, logins, RGK codes) come from `mygaz-admin __complete SOURCE PREFIX`.

            typeset -gA _mygaz_admin_sub _mygaz_admin_opt _mygaz_admin_val _mygaz_admin_short _mygaz_admin_arg _mygaz_admin_many
            # actions of each command, "name:description" per line
            _mygaz_admin_sub=(

            """
        for node in table.nodes where !node.subcommands.isEmpty {
            out += "  \(q(node.path)) \(q(node.subcommands.map { described($0.name, $0.summary) }.joined(separator: "\n")))\n"
        }
        out += ")\n# options of each command (GLOBAL: the global ones), \"--name:description\" per line\n_mygaz_admin_opt=(\n"
        func optionLines(_ options: [OptionSpec]) -> String {
            options.flatMap { o in
                [described("--" + o.long, o.help.en)] + (o.short.map { [described("-" + String($0), o.help.en)] } ?? [])
            }.joined(separator: "\n")
        }
        out += "  \(q(CompletionTable.globalScope)) \(q(optionLines(table.globals)))\n"
        for node in table.nodes where !node.options.isEmpty {
            out += "  \(q(node.path)) \(q(optionLines(node.options)))\n"
        }
        out += ")\n" + valueArrays(table, declare: { "\($0)=(\n" }, entry: { "  \(q($0)) \(q($1))\n" })
        out += #"""

            # offers the values of a spec: fixed words, files, or live values with their descriptions
            _mygaz_admin_values() {
              local spec=$1 db=$2
              local -a described
              case $spec in
                '') _message 'value' ;;
                @file) _files ;;
                @user) _users ;;
                @group) _groups ;;
                @live:*)
                  local line
                  for line in "${(@f)$(command mygaz-admin ${db:+--db} ${db:+$db} __complete ${spec#@live:} $PREFIX 2>/dev/null)}"; do
                    [[ -n $line ]] && described+=("${${line%%$'\t'*}//:/\\:}:${line#*$'\t'}")
                  done
                  (( ${#described} )) && _describe -t values 'value' described ;;
                *) compadd -- ${=spec} ;;
              esac
            }

            _mygaz_admin_takes() {
              local key
              for key in "$1$2" "GLOBAL$2"; do
                if (( ${+_mygaz_admin_val[$key]} )); then REPLY=${_mygaz_admin_val[$key]}; return 0; fi
              done
              return 1
            }

            _mygaz-admin() {
              local scope=ROOT db="" pending="" word long rest REPLY
              local -i i n=0 ends=0
            \#(walker(.zsh))
              # the --db word as the shell will read it: quotes, ~ and $HOME (nothing is evaluated)
              if [[ -n $db ]]; then
                db=${(Q)db}
                [[ $db == '~' || $db == '~/'* ]] && db=$HOME${db#\~}
                db=${db//'${HOME}'/$HOME}
                db=${db//'$HOME'/$HOME}
              fi
              if [[ -n $pending ]]; then
                _mygaz_admin_takes "$scope" "$pending"
                _mygaz_admin_values "$REPLY" "$db"
                return
              fi
              if ((!ends)) && [[ $PREFIX == --*=* ]]; then
                if _mygaz_admin_takes "$scope" "${PREFIX%%=*}"; then
                  compset -P '*='
                  _mygaz_admin_values "$REPLY" "$db"
                fi
                return
              fi
              if ((!ends)) && [[ $PREFIX == -* ]]; then
                local -a options
                options=("${(@f)_mygaz_admin_opt[$scope]}" "${(@f)_mygaz_admin_opt[GLOBAL]}")
                options=(${options:#})
                _describe -t options 'option' options
                return
              fi
              if ((n == 0)) && [[ -n ${_mygaz_admin_sub[$scope]} ]]; then
                local -a actions
                actions=("${(@f)_mygaz_admin_sub[$scope]}")
                _describe -t commands 'command' actions
                return
              fi
              local -a specs
              specs=("${(@s:|:)_mygaz_admin_arg[$scope]}")
              [[ -z ${_mygaz_admin_arg[$scope]} ]] && return 1
              if ((n < ${#specs})); then
                _mygaz_admin_values "${specs[n+1]}" "$db"
              elif [[ -n ${_mygaz_admin_many[$scope]} ]]; then
                _mygaz_admin_values "${specs[-1]}" "$db"
              fi
            }

            if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
              _mygaz-admin "$@"
            else
              compdef _mygaz-admin mygaz-admin
            fi

            """#
        return out
    }
}
