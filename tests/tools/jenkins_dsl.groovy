// Compile Jenkinsfiles as Groovy and run them against a small recording DSL.
//
//   JAVA_HOME=... groovy tests/tools/jenkins_dsl.groovy OUT.json Jenkinsfile...
//
// No Jenkins is needed: a declarative Jenkinsfile is a Groovy script whose top-level call is
// pipeline { ... }. Each file is compiled (GroovyShell.parse: syntax errors are reported with
// their line) with a script base class whose missing methods are recorded. Every call becomes a
// node {name, args, named, children}; a closure argument is run with the recorder as its delegate,
// so agent/stages/stage/steps/post/when/environment/options/... and the steps inside them are all
// recorded in order; an assignment (environment { A = 'x' }) is a node "=" [A, 'x']. Inside script { } blocks, values are placeholders: an unknown variable or a
// step result prints as <NAME>, so a secret interpolated by Groovy shows up in the recorded
// shell text. OUT.json: {path: {"compiled": bool, "error": str|null, "tree": [node...]}}.

import groovy.json.JsonOutput
import org.codehaus.groovy.control.CompilerConfiguration

class Placeholder {
    String label
    Placeholder(String label) { this.label = label }
    def methodMissing(String name, args) { new Placeholder("${label}.${name}()") }
    def propertyMissing(String name) { new Placeholder("${label}.${name}") }
    def propertyMissing(String name, value) { }
    boolean asBoolean() { false }
    String toString() { "<${label}>" }
    def plus(other) { new Placeholder("${label}+") }
    def getAt(key) { new Placeholder("${label}[${key}]") }
}

class Recorder {
    List<Map> stack = [[name: "<root>", args: [], named: [:], children: []]]

    static Object plain(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean) return value
        if (value instanceof Map) return value.collectEntries { k, v -> [(k.toString()): plain(v)] }
        if (value instanceof Collection || value instanceof Object[]) return value.collect { plain(it) }
        if (value instanceof Closure) return "<closure>"
        return value.toString()
    }

    Object record(String name, Object[] args) {
        def node = [name: name, args: [], named: [:], children: []]
        stack[-1].children << node
        Closure body = null
        args.each { arg ->
            if (arg instanceof Closure) body = arg
            else if (arg instanceof Map) node.named.putAll(plain(arg))
            else node.args << plain(arg)
        }
        if (body != null) {
            stack << node
            try {
                body.resolveStrategy = Closure.DELEGATE_FIRST
                body.delegate = this
                body.call()
            } finally {
                stack.remove(stack.size() - 1)
            }
        }
        return new Placeholder(name)
    }

    def methodMissing(String name, args) { record(name, args as Object[]) }
    def propertyMissing(String name) { new Placeholder(name) }
    // An assignment such as environment { NAME = 'value' }: recorded as a node "=" [NAME, value].
    def propertyMissing(String name, value) {
        stack[-1].children << [name: "=", args: [name, plain(value)], named: [:], children: []]
    }
}

abstract class RecordingScript extends Script {
    Recorder recorder = new Recorder()
    def methodMissing(String name, args) { recorder.record(name, args as Object[]) }
    def propertyMissing(String name) { new Placeholder(name) }
}

def out = args[0]
def results = [:]
args.drop(1).each { path ->
    def config = new CompilerConfiguration()
    config.scriptBaseClass = RecordingScript.name
    def shell = new GroovyShell(this.class.classLoader, new Binding(), config)
    def result = [compiled: false, error: null, tree: []]
    try {
        def script = shell.parse(new File(path))
        result.compiled = true
        script.run()
        result.tree = script.recorder.stack[0].children
    } catch (Throwable e) {
        result.error = e.toString()
    }
    results[path] = result
}
new File(out).text = JsonOutput.prettyPrint(JsonOutput.toJson(results))
