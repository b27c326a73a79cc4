import Testing
@testable import ShareLoader
import ShareModel

func show(_ name: String, _ text: String, md: Bool = true) {
    let file = md ? "x.md" : "x.json"
    if md {
        let r = FrontMatterParser.parse(Array(text.utf8), file: file)
        print("== \(name): bodyLine=\(r.bodyLine) body=\(r.body.debugDescription) value=\(r.value != nil)")
        for d in r.diagnostics { print("   \(d.line):\(d.column) \(d.rule) \(d.message)") }
    } else {
        let r = LocatedJSONParser.parse(Array(text.utf8), file: file)
        print("== \(name): value=\(r.value != nil)")
        for d in r.diagnostics { print("   \(d.line):\(d.column) \(d.rule) \(d.message)") }
    }
}

@Test func probe() {
    show("crlf", "---\r\nchannel: PROD\r\nslug: abcd\r\n---\r\nHello\r\n")
    show("tab", "---\nchannel: PROD\nvideo:\n\tid: x\n---\n")
    show("dup", "---\nchannel: PROD\nslug: a\nchannel: DEV\n---\n")
    show("dupnested", "---\nvideo:\n  id: a\n  id: b\n---\n")
    show("bomb", "---\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]\n---\n")
    show("undefined alias", "---\na: *zz\n---\n")
    show("complex key", "---\n? [a, b]\n: 1\n---\n")
    show("deep", "---\na: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n---\n")
    show("deep quote trick", "---\na: |\n  \"\nb: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n---\n")
    show("deep plain quote trick", "---\na: x \"\nb: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n---\n")
    show("deep block", "---\n" + (0..<200).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " x\n---\n")
    show("empty fm", "---\n---\nbody\n")
    show("unterminated", "---\na: b\n")
    show("no fm", "# Title\n")
    show("empty", "")
    show("ws", "  \n\n")
    show("bom", "\u{FEFF}---\na: b\n---\n")
    show("unicode col", "---\nt: \"héllo\" \nk: [é, 1, x]\n---\n")
    show("syntax", "---\na: [b\n---\n")
    show("bool", "---\na: yes\nb: 1.5\nc: 0x10\nd: ~\ne: 1e400\n---\n")
    show("json crlf", "{\r\n  \"a\": 1,\r\n  \"b\": x\r\n}", md: false)
    show("json tab", "{\"a\": \"x\ty\"}", md: false)
    show("json lone", "{\"a\": \"\\uD800\"}", md: false)
    show("json lone low", "{\"a\": \"\\uDC00\"}", md: false)
    show("json bad esc", "{\"a\": \"\\q\"}", md: false)
    show("json 10", String(repeating: "[", count: 100_000), md: false)
}
