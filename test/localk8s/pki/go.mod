module cdk-federation.local/localk8s/pki

go 1.26.0
