import Foundation
import MyGazCLI

exit(run(Array(CommandLine.arguments.dropFirst()), io: .process()))
