import Foundation
import MyGazCLI

exit(run(ProcessArguments.read(), io: .process()))
