use dockerdsl::dockerfile;

fn main() {
    dockerfile! {
        base = FROM "Alpine:3.20" {}
        app = FROM "alpine:3.20" {
            COPY --from="nginx:1.27 alpine" "/etc/nginx" "/etc/nginx";
        }
        // No value of `$GO` makes a reference: no tag or port starts with `-`.
        tool = FROM "golang:-${GO}" {}
    }
    let _ = (base, app, tool);
}
