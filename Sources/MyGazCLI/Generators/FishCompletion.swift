import MyGazCore

/// The fish completion script (`completion fish`).
extension CompletionScripts {
    static func fish(_ table: CompletionTable = CompletionTable()) -> String {
        func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'" }
        func tabbed(_ pairs: [(String, String)]) -> String {
            pairs.map { q($0.0 + "\t" + $0.1) }.joined(separator: " ")
        }
        var out = """
            # fish completion for mygaz-admin — \(header.replacingOccurrences(of: "%@", with: "fish")).
            # Install: copy to /usr/share/fish/vendor_completions.d/ or ~/.config/fish/completions/.
            # Live values (ids, logins, RGK codes) come from `mygaz-admin __complete SOURCE PREFIX`.

            # actions of a command, "name<TAB>description" per line
            function __mygaz_admin_sub --argument-names scope
                switch $scope

            """
        for node in table.nodes where !node.subcommands.isEmpty {
            out += "        case \(q(node.path))\n            printf '%s\\n' \(tabbed(node.subcommands.map { ($0.name, $0.summary) }))\n"
        }
        out += "    end\nend\n\n# options of a command (GLOBAL: the global ones)\nfunction __mygaz_admin_opt --argument-names scope\n    switch $scope\n"
        func optionPairs(_ options: [OptionSpec]) -> [(String, String)] {
            options.flatMap { o in [("--" + o.long, o.help.en)] + (o.short.map { [("-" + String($0), o.help.en)] } ?? []) }
        }
        out += "        case \(q(CompletionTable.globalScope))\n            printf '%s\\n' \(tabbed(optionPairs(table.globals)))\n"
        for node in table.nodes where !node.options.isEmpty {
            out += "        case \(q(node.path))\n            printf '%s\\n' \(tabbed(optionPairs(node.options)))\n"
        }
        out += "    end\nend\n\n# the value spec of an option that takes one (fails for a flag)\nfunction __mygaz_admin_val --argument-names key\n    switch $key\n"
        for (scope, option) in table.scopedOptions where option.takesValue {
            out += "        case \(q(scope + "--" + option.long))\n            echo \(q(CompletionTable.spec(option.completion)))\n"
        }
        out += "        case '*'\n            return 1\n    end\nend\n\nfunction __mygaz_admin_short --argument-names key\n    switch $key\n"
        for (scope, option) in table.scopedOptions {
            if let short = option.short { out += "        case \(q(scope + "-" + String(short)))\n            echo \(q("--" + option.long))\n" }
        }
        out += "    end\nend\n\n# positional arguments: one spec per line; the second function says whether the last repeats\nfunction __mygaz_admin_arg --argument-names scope\n    switch $scope\n"
        var repeating: [String] = []
        for node in table.nodes where !node.arguments.isEmpty {
            let (_, repeats) = CompletionTable.arguments(node)
            out += "        case \(q(node.path))\n            printf '%s\\n' \(node.arguments.map { q(CompletionTable.spec($0.completion)) }.joined(separator: " "))\n"
            if repeats { repeating.append(node.path) }
        }
        out += "    end\nend\n\nfunction __mygaz_admin_many --argument-names scope\n    contains -- $scope \(repeating.map(q).joined(separator: " "))\nend\n"
        out += #"""

            function __mygaz_admin_takes --argument-names scope long
                __mygaz_admin_val "$scope$long"; or __mygaz_admin_val "GLOBAL$long"
            end

            function __mygaz_admin_values --argument-names spec cur db
                switch $spec
                    case ''
                        return
                    case '@file'
                        __fish_complete_path "$cur"
                    case '@user'
                        __fish_complete_users
                    case '@group'
                        __fish_complete_groups
                    case '@live:*'
                        set -l source (string replace '@live:' '' -- $spec)
                        if test -n "$db"
                            command mygaz-admin --db "$db" __complete $source "$cur" 2>/dev/null
                        else
                            command mygaz-admin __complete $source "$cur" 2>/dev/null
                        end
                    case '*'
                        string split ' ' -- $spec
                end
            end

            function __mygaz_admin_complete
                set -l tokens (commandline -opc)
                set -l cur (commandline -ct)
                set -l scope ROOT
                set -l db ''
                set -l pending ''
                set -l n 0
                set -l ends 0
                set -e tokens[1]
                for word in $tokens
                    if test -n "$pending"
                        test "$pending" = --db; and set db $word
                        set pending ''
                        continue
                    end
                    if test $ends -eq 1
                        set n (math $n + 1)
                        continue
                    end
                    switch $word
                        case '--'
                            set ends 1
                        case '--*=*'
                            set -l parts (string split -m 1 '=' -- $word)
                            test "$parts[1]" = --db; and set db $parts[2]
                        case '--*'
                            __mygaz_admin_takes "$scope" $word >/dev/null; and set pending $word
                        case '-?*'
                            set -l rest (string sub -s 2 -- $word)
                            while test -n "$rest"
                                set -l letter (string sub -l 1 -- $rest)
                                set rest (string sub -s 2 -- $rest)
                                set -l long (__mygaz_admin_short "$scope-$letter"; or __mygaz_admin_short "GLOBAL-$letter")
                                if test -n "$long"; and __mygaz_admin_takes "$scope" $long >/dev/null
                                    test -z "$rest"; and set pending $long
                                    break
                                end
                            end
                        case '*'
                            if test $n -eq 0; and contains -- $word (__mygaz_admin_sub "$scope" | string replace -r '\t.*' '')
                                if test "$scope" = ROOT
                                    set scope $word
                                else
                                    set scope "$scope $word"
                                end
                            else
                                set n (math $n + 1)
                            end
                    end
                end
                # the --db word as the shell will read it: ~ and $HOME (fish has removed the quotes; nothing is evaluated)
                if test -n "$db"
                    set db (string replace -r -- '^~(?=/|$)' $HOME $db)
                    set db (string replace -a -- '$HOME' $HOME $db)
                end
                if test -n "$pending"
                    set -l spec (__mygaz_admin_takes "$scope" $pending)
                    __mygaz_admin_values "$spec" "$cur" "$db"
                    return
                end
                if test $ends -eq 0; and string match -q -- '--*=*' $cur
                    set -l parts (string split -m 1 '=' -- $cur)
                    set -l spec (__mygaz_admin_takes "$scope" $parts[1]); or return
                    __mygaz_admin_values "$spec" "$parts[2]" "$db" | string replace -r '^' -- "$parts[1]="
                    return
                end
                if test $ends -eq 0; and string match -q -- '-*' $cur
                    __mygaz_admin_opt "$scope"
                    __mygaz_admin_opt GLOBAL
                    return
                end
                if test $n -eq 0
                    set -l actions (__mygaz_admin_sub "$scope")
                    if test (count $actions) -gt 0
                        printf '%s\n' $actions
                        return
                    end
                end
                set -l specs (__mygaz_admin_arg "$scope")
                test (count $specs) -eq 0; and return
                if test $n -lt (count $specs)
                    set -l index (math $n + 1)
                    __mygaz_admin_values "$specs[$index]" "$cur" "$db"
                else if __mygaz_admin_many "$scope"
                    __mygaz_admin_values "$specs[-1]" "$cur" "$db"
                end
            end

            complete -c mygaz-admin -f -a '(__mygaz_admin_complete)'

            """#
        return out
    }
}
